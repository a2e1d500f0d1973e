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
