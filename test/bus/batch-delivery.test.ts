/**
 * The in-process transport commits first deliveries of one subscription together. These tests
 * pin down what that must never change: one handler's failure rolls the shared transaction back
 * without losing or doubling anyone's effects, and duplicates inside a batch stay duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Envelope } from '../../src/shared/bus/contract.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { bootProbeApp, duplicates, durableDatabase, effects, type ProbeApp } from '../conformance/harness.ts';

const SUB = 'probe.record-a';

describe.skipIf(process.env['EVENT_TRANSPORT'] === 'bullmq')('batched first deliveries (in-process transport)', () => {
  let app: ProbeApp;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await durableDatabase();
    drop = db.drop;
    app = await bootProbeApp({ ...db.config, EVENT_TRANSPORT: 'inprocess' }, 'batch');
  });
  afterAll(async () => {
    await app?.stop();
    await drop?.();
  });

  const envelope = (n: number, extra: Record<string, unknown> = {}): Envelope => ({
    id: uuidv7(),
    type: 'probe.pinged',
    version: 1,
    occurredAt: new Date().toISOString(),
    source: 'probe',
    correlationId: uuidv7(),
    causationId: null,
    traceparent: null,
    payload: { n, ...extra },
  });
  const effectsOf = async (ids: string[]) => (await effects(app.http)).filter((e) => ids.includes(e.eventId) && e.subscription === SUB);

  it('rolls a batch back when one handler\'s effects throw: that one failed, the others go again alone', async () => {
    const good = Array.from({ length: 5 }, (_, i) => envelope(100 + i));
    const bad = envelope(199, { failInCommitTimes: 1 });
    const outcomes = await app.kernel.bus.deliverBatch(SUB, [...good, bad]);
    expect(outcomes.slice(0, 5)).toEqual(['aborted', 'aborted', 'aborted', 'aborted', 'aborted']);
    // The failure carries its error, so the retry's log line can say what went wrong.
    expect(outcomes[5]).toEqual({ failed: expect.objectContaining({ message: 'ping 199 effects fail on attempt 1' }) });
    // Nothing of the rolled-back batch is visible.
    expect(await effectsOf([...good, bad].map((e) => e.id))).toEqual([]);

    expect(await app.kernel.bus.deliverBatch(SUB, good)).toEqual(good.map(() => 'handled'));
    // Handled already: a second batch is all duplicates and changes nothing.
    expect(await app.kernel.bus.deliverBatch(SUB, good)).toEqual(good.map(() => 'handled'));
    const rows = await effectsOf(good.map((e) => e.id));
    expect(rows).toHaveLength(5);
    expect(duplicates(rows)).toEqual([]);
  });

  it('two batches locking the same rows in opposite event orders both commit: effects go in key order, so one waits instead of deadlocking', async () => {
    const hold = { holdMs: 300 };
    const xy = [envelope(500, { tally: 'x', ...hold }), envelope(501, { tally: 'y', ...hold })];
    const yx = [envelope(502, { tally: 'y', ...hold }), envelope(503, { tally: 'x', ...hold })];
    const [first, second] = await Promise.all([app.kernel.bus.deliverBatch(SUB, xy), app.kernel.bus.deliverBatch(SUB, yx)]);
    expect([...first, ...second]).toEqual(['handled', 'handled', 'handled', 'handled']);
    const res = await app.http.get('/api/probe/tallies');
    expect(res.body).toEqual([
      { name: `${SUB}:x`, count: 2 },
      { name: `${SUB}:y`, count: 2 },
    ]);
  });

  it("effects that touch only their key's rows run side by side across keys, one after another within a key", async () => {
    const keyed = (n: number, tally: string) => envelope(n, { tally, holdMs: 50, touches: 'key' });
    const batch = [keyed(600, 'k1'), keyed(601, 'k2'), keyed(602, 'k1'), keyed(603, 'k3'), keyed(604, 'k2')];
    app.control.mostEffectsAtOnce = 0;
    expect(await app.kernel.bus.deliverBatch(SUB, batch)).toEqual(batch.map(() => 'handled'));
    // Three keys, three lanes; without the option the same batch runs one effect at a time (below).
    expect(app.control.mostEffectsAtOnce).toBe(3);
    // A key's effects apply in event order (effect rows are numbered as they are inserted).
    const inserted = (await effectsOf(batch.map((e) => e.id))).map((r) => r.n);
    expect(inserted).toHaveLength(5);
    expect(inserted.filter((n) => n === 600 || n === 602)).toEqual([600, 602]);
    expect(inserted.filter((n) => n === 601 || n === 604)).toEqual([601, 604]);
    const tallies = (await app.http.get('/api/probe/tallies')).body as { name: string; count: number }[];
    expect(tallies.filter((t) => /:k[123]$/.test(t.name))).toEqual([
      { name: `${SUB}:k1`, count: 2 },
      { name: `${SUB}:k2`, count: 2 },
      { name: `${SUB}:k3`, count: 1 },
    ]);

    app.control.mostEffectsAtOnce = 0;
    const unmarked = [envelope(610, { tally: 'k4', holdMs: 20 }), envelope(611, { tally: 'k5', holdMs: 20 })];
    expect(await app.kernel.bus.deliverBatch(SUB, unmarked)).toEqual(['handled', 'handled']);
    expect(app.control.mostEffectsAtOnce).toBe(1);
  });

  it('a statement Postgres refuses in one lane fails that event alone; the other lanes roll back with it and go again', async () => {
    const others = [envelope(700, { tally: 'm1', holdMs: 30, touches: 'key' }), envelope(701, { tally: 'm2', holdMs: 30, touches: 'key' })];
    const bad = envelope(702, { tally: 'm3', touches: 'key', failInCommitSql: 1 });
    const outcomes = await app.kernel.bus.deliverBatch(SUB, [...others, bad]);
    expect(outcomes.slice(0, 2)).toEqual(['aborted', 'aborted']);
    // The culprit is the refused statement, not a lane that only saw the transaction aborted.
    const { failed } = outcomes[2] as { failed: Error };
    expect(`${failed.message} ${(failed.cause as Error | undefined)?.message}`).toMatch(/division by zero/);
    expect(await effectsOf([...others, bad].map((e) => e.id))).toEqual([]);
    // Second attempts, one at a time as the transport would send them: each applies once.
    for (const e of [...others, bad]) await app.kernel.bus.deliver(SUB, e, 2, false);
    const rows = await effectsOf([...others, bad].map((e) => e.id));
    expect(rows).toHaveLength(3);
    expect(duplicates(rows)).toEqual([]);
  });

  it('through the transport: every event of a batch with a failing member ends handled exactly once', async () => {
    const batch = [...Array.from({ length: 20 }, (_, i) => envelope(300 + i)), envelope(399, { failInCommitTimes: 1 })];
    batch.push(batch[3]!); // the same event twice in one batch
    // Dispatched in one tick, as the relay does with a claimed batch.
    await Promise.all(batch.map((e) => app.kernel.bus.transport.dispatch(e)));
    const ids = [...new Set(batch.map((e) => e.id))];
    const rows = await eventually(() => effects(app.http), (r) => r.filter((e) => ids.includes(e.eventId)).length >= ids.length * 2, { within: 10_000 });
    const mine = rows.filter((e) => ids.includes(e.eventId));
    expect(duplicates(mine)).toEqual([]);
    expect(mine).toHaveLength(ids.length * 2);
    // The failing event was retried as a second attempt, not dead-lettered.
    const attempts = app.control.attempts.filter((a) => a.n === 399 && a.subscription === SUB).map((a) => a.attempt);
    expect(attempts).toContain(2);
    expect(await app.kernel.bus.deadLetters()).toEqual([]);
  });
});
