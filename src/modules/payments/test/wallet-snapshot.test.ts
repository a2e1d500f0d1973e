import { describe, expect, it } from 'vitest';
import { Wallet, type Decision, type WalletEvent, type WalletState } from '../domain/wallet.ts';
import { restoreSnapshot, SNAPSHOT_SHAPE, snapshotDue, takeSnapshot, type StoredSnapshot } from '../domain/wallet-snapshot.ts';

const at = new Date('2025-01-01T08:00:00Z');
const order = (n: number) => `0194a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** A small deterministic generator, so a failing sequence can be replayed from its seed. */
function random(seed: number) {
  let s = seed;
  return (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % n);
}

/**
 * A stream held in memory the way the database holds it: events plus one snapshot slot, written
 * as JSON (what jsonb keeps) whenever an append crosses a snapshot point. `load` is the
 * application's loading rule: the usable snapshot and the events after it.
 */
class MemoryStream {
  readonly events: WalletEvent[] = [];
  snapshot: StoredSnapshot | undefined;
  constructor(private readonly every: number) {}

  load(): WalletState {
    const from = this.snapshot ? restoreSnapshot(this.snapshot) : undefined;
    return Wallet.fold(this.events.slice(from?.version ?? 0), from);
  }

  apply<R>(wallet: WalletState, decision: Decision<R>): void {
    if (!decision.ok) return;
    this.events.push(...decision.events);
    const after = Wallet.fold(decision.events, wallet);
    if (snapshotDue(wallet.version, after.version, this.every)) this.snapshot = JSON.parse(JSON.stringify(takeSnapshot(after)));
  }
}

function command(rnd: (n: number) => number, wallet: WalletState): Decision<unknown> {
  // A small pool of orders, so charges, refunds and tombstones of one order meet often.
  const id = order(rnd(25));
  switch (rnd(4)) {
    case 0:
      return Wallet.deposit(wallet, 1 + rnd(400), at);
    case 1:
    case 2:
      return Wallet.charge(wallet, id, 1 + rnd(300), at);
    default:
      return Wallet.refund(wallet, id, at);
  }
}

describe('wallet snapshots (pure)', () => {
  it('snapshot + tail equals the full fold, and decides the same, over many random command sequences', () => {
    let snapshotsTaken = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = random(seed);
      const stream = new MemoryStream(1 + rnd(12));
      const length = 20 + rnd(200);
      for (let i = 0; i < length; i++) {
        const loaded = stream.load();
        const folded = Wallet.fold(stream.events);
        expect(loaded, `seed ${seed}, step ${i}`).toEqual(folded);
        // The same command decided on both states gives the same answer: draw it once, replay it.
        const replay = random(seed * 10_000 + i);
        const decision = command(replay, loaded);
        expect(command(random(seed * 10_000 + i), folded)).toEqual(decision);
        stream.apply(loaded, decision);
      }
      expect(stream.load()).toEqual(Wallet.fold(stream.events));
      if (stream.snapshot) snapshotsTaken++;
    }
    // The property was exercised through snapshots, not only through plain folds.
    expect(snapshotsTaken).toBeGreaterThan(280);
  });

  it('round-trips a wallet through its stored JSON', () => {
    const wallet = Wallet.fold([
      { type: 'deposited', amountCents: 900, at },
      { type: 'charged', amountCents: 300, orderId: order(1), at },
      { type: 'refunded', amountCents: 300, orderId: order(1), at },
      { type: 'voided', orderId: order(2), at },
    ]);
    const stored = JSON.parse(JSON.stringify(takeSnapshot(wallet))) as StoredSnapshot;
    expect(stored).toEqual({ version: 4, shape: SNAPSHOT_SHAPE, state: { balanceCents: 900, charged: [[order(1), 300]], refunded: [[order(1), 300]], voided: [order(2)] } });
    expect(restoreSnapshot(stored)).toEqual(wallet);
  });

  it('ignores a snapshot of another shape or a malformed one, so the wallet is folded from its first event', () => {
    const good = takeSnapshot(Wallet.fold([{ type: 'deposited', amountCents: 100, at }]));
    expect(restoreSnapshot(good)).toMatchObject({ version: 1, balanceCents: 100 });
    const bad: StoredSnapshot[] = [
      { ...good, shape: SNAPSHOT_SHAPE - 1 },
      { ...good, shape: SNAPSHOT_SHAPE + 1 },
      // What an earlier layout without tombstones would have stored.
      { ...good, state: { balanceCents: 100, charged: [], refunded: [] } },
      { ...good, state: null },
      { ...good, state: 'balance: 100' },
      { ...good, state: { ...good.state, balanceCents: '100' } },
      { ...good, state: { ...good.state, charged: [[order(1)]] } },
      { ...good, state: { ...good.state, refunded: { [order(1)]: 5 } } },
      { ...good, state: { ...good.state, voided: [7] } },
      { ...good, version: -1 },
      { ...good, version: 1.5 },
    ];
    for (const snapshot of bad) expect(restoreSnapshot(snapshot), JSON.stringify(snapshot)).toBeUndefined();
  });

  it('is due whenever an append reaches or crosses a multiple of the interval', () => {
    expect(snapshotDue(0, 1, 1)).toBe(true);
    expect(snapshotDue(98, 99, 100)).toBe(false);
    expect(snapshotDue(99, 100, 100)).toBe(true);
    expect(snapshotDue(100, 101, 100)).toBe(false);
    expect(snapshotDue(98, 102, 100)).toBe(true);
    expect(snapshotDue(0, 0, 5)).toBe(false);
  });
});
