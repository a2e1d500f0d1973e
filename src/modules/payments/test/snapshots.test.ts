import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../shared/api.ts';
import { query } from '../../../shared/db/database.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { SNAPSHOT_SHAPE, takeSnapshot } from '../domain/wallet-snapshot.ts';
import { paymentsApi } from '../index.ts';
import { foldStored, newId, storedStream } from './support.ts';

const EVERY = 5;

interface SnapshotRow {
  version: number;
  shape: number;
  state: unknown;
}

/** Wallet snapshots on a real database: written with the events, read back as snapshot + tail. */
describe('payments wallet snapshots', () => {
  let app: TestApp;
  let api: ApiClient<typeof paymentsApi>;
  beforeAll(async () => {
    app = await startTestApp({ config: { WALLET_SNAPSHOT_EVERY: String(EVERY) } });
    api = app.kernel.api(paymentsApi);
  });
  afterAll(() => app?.stop());

  const snapshotOf = async (customerId: string): Promise<SnapshotRow | undefined> =>
    (await query<SnapshotRow>(app.kernel.db.admin, sql`select version, shape, state from payments.wallet_snapshots where stream_id = ${customerId}`))[0];
  const tamper = (customerId: string, change: ReturnType<typeof sql>) =>
    app.kernel.db.admin.execute(sql`update payments.wallet_snapshots set ${change} where stream_id = ${customerId}`);

  async function deposit(token: string, amountCents: number) {
    expect((await app.http.post('/api/payments/wallet/deposits', { amountCents }, token)).status).toBe(201);
  }

  it('answers from snapshot + tail exactly what the full fold of the stored stream says, at every step', async () => {
    const customer = await app.signUp();
    const orders = Array.from({ length: 6 }, () => newId());
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let step = 0; step < 40; step++) {
      const kind = rnd(4);
      const orderId = orders[rnd(orders.length)]!;
      if (kind === 0) await deposit(customer.token, 1 + rnd(500));
      else if (kind === 3) await api.refund({ customerId: customer.id, orderId });
      else await api.charge({ customerId: customer.id, orderId, amountCents: 1 + rnd(200) });

      const stream = await storedStream(app, customer.id);
      const full = foldStored(stream);
      expect(await api.balance({ customerId: customer.id }), `step ${step}`).toEqual({ balanceCents: full.balanceCents });
      // The snapshot is the fold of the stream up to the last multiple of the interval it reached.
      const snapshot = await snapshotOf(customer.id);
      const point = Math.floor(stream.length / EVERY) * EVERY;
      if (point === 0) expect(snapshot).toBeUndefined();
      else expect(JSON.parse(JSON.stringify(snapshot))).toEqual(JSON.parse(JSON.stringify(takeSnapshot(foldStored(stream.slice(0, point))))));
    }
    expect((await storedStream(app, customer.id)).length).toBeGreaterThanOrEqual(2 * EVERY);
  });

  it('reads the snapshot instead of the events before it, and ignores one it cannot use', async () => {
    const customer = await app.signUp();
    for (let i = 0; i < EVERY + 2; i++) await deposit(customer.token, 100);
    expect(await snapshotOf(customer.id)).toMatchObject({ version: EVERY, shape: SNAPSHOT_SHAPE });
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 700 });

    // A snapshot that disagrees with its events shows through: loading really starts from it.
    await tamper(customer.id, sql`state = jsonb_set(state, '{balanceCents}', '10000')`);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 10_200 });

    // Of another shape (an older layout, or one from a newer release): ignored, the stream is folded whole.
    await tamper(customer.id, sql`shape = ${SNAPSHOT_SHAPE - 1}, state = '{"balance": 1}'::jsonb`);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 700 });
    await tamper(customer.id, sql`shape = ${SNAPSHOT_SHAPE + 1}`);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 700 });
    // Of this shape but malformed: ignored too.
    await tamper(customer.id, sql`shape = ${SNAPSHOT_SHAPE}, state = '{"balanceCents": 5, "charged": "all"}'::jsonb`);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 700 });
    expect(await api.charge({ customerId: customer.id, orderId: newId(), amountCents: 50 })).toEqual({ outcome: 'charged', amountCents: 50, balanceCents: 650 });

    // The next snapshot point replaces the unusable one with a good one.
    await deposit(customer.token, 100);
    await deposit(customer.token, 100);
    const replaced = await snapshotOf(customer.id);
    expect(replaced).toMatchObject({ version: 2 * EVERY, shape: SNAPSHOT_SHAPE });
    expect(JSON.parse(JSON.stringify(replaced!.state))).toEqual(JSON.parse(JSON.stringify(takeSnapshot(foldStored(await storedStream(app, customer.id))).state)));
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 850 });
  });

  it('keeps its promises under concurrent charges: no double spend, and the snapshot agrees with the stream', async () => {
    const customer = await app.signUp();
    await deposit(customer.token, 20 * 150);
    const orders = Array.from({ length: 40 }, () => newId());
    // Each order is charged twice at once, so idempotency is raced as well as the balance.
    const answers = await Promise.all([...orders, ...orders].map((orderId) => api.charge({ customerId: customer.id, orderId, amountCents: 150 })));
    const stream = await storedStream(app, customer.id);
    const charged = stream.filter((e) => e.type === 'charged');
    expect(charged).toHaveLength(20);
    expect(new Set(charged.map((e) => e.orderId)).size).toBe(20);
    expect(stream.map((e) => e.version)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    // Both charges of one order got the same answer (the balance each saw may differ).
    const gist = (a: (typeof answers)[number]) => (a.outcome === 'charged' ? [a.outcome, a.amountCents] : [a.outcome, a.reason]);
    for (const i of orders.keys()) expect(gist(answers[i + orders.length]!)).toEqual(gist(answers[i]!));
    expect(answers.filter((a) => a.outcome === 'charged')).toHaveLength(40);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 0 });

    const snapshot = await snapshotOf(customer.id);
    expect(snapshot?.version).toBe(20);
    expect(JSON.parse(JSON.stringify(snapshot!.state))).toEqual(JSON.parse(JSON.stringify(takeSnapshot(foldStored(stream.slice(0, 20))).state)));
  });
});
