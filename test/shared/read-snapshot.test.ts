import { describe, expect, it } from 'vitest';
import { ReadSnapshot } from '../../src/shared/read-snapshot.ts';

/** A source whose value the test changes, counting loads; `gate` holds a load open when set. */
function source() {
  const s = { value: 1, loads: 0, gate: undefined as Promise<void> | undefined };
  const load = async () => {
    s.loads++;
    const v = s.value;
    if (s.gate) await s.gate;
    return v;
  };
  return { s, load };
}

describe('ReadSnapshot', () => {
  it('answers from memory within the TTL and loads again once it has passed', async () => {
    let now = 0;
    const { s, load } = source();
    const snap = new ReadSnapshot(load, 1000, () => now);
    expect(await snap.get()).toBe(1);
    s.value = 2; // changed by someone who cannot invalidate this copy (another instance)
    now = 999;
    expect(await snap.get()).toBe(1);
    now = 1000;
    expect(await snap.get()).toBe(2);
    expect(s.loads).toBe(2);
  });

  it('sees a change at once after invalidate, whatever the TTL', async () => {
    const { s, load } = source();
    const snap = new ReadSnapshot(load, 60_000, () => 0);
    expect(await snap.get()).toBe(1);
    s.value = 2;
    snap.invalidate();
    expect(await snap.get()).toBe(2);
  });

  it('does not keep a load that began before an invalidation', async () => {
    const { s, load } = source();
    const snap = new ReadSnapshot(load, 60_000, () => 0);
    let open!: () => void;
    s.gate = new Promise((r) => (open = r));
    const early = snap.get(); // reads value 1, then a write commits while it is in flight
    s.value = 2;
    snap.invalidate();
    s.gate = undefined;
    const late = snap.get();
    open();
    expect(await early).toBe(1);
    expect(await late).toBe(2);
    expect(await snap.get()).toBe(2);
  });

  it('lets concurrent readers share one load, and loads every time with TTL 0', async () => {
    const { s, load } = source();
    const shared = new ReadSnapshot(load, 1000, () => 0);
    await Promise.all([shared.get(), shared.get(), shared.get()]);
    expect(s.loads).toBe(1);
    const off = new ReadSnapshot(load, 0, () => 0);
    await off.get();
    s.value = 3;
    expect(await off.get()).toBe(3);
    expect(s.loads).toBe(3);
  });
});
