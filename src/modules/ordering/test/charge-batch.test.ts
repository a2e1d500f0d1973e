import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../../shared/db/database.ts';
import { eventually } from '../../../shared/testing/scenario.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { addItem, charges, customerWith, FAST_SAGA, openCafe, order, orderReaches, wallet, type Cafe } from '../../../../test/saga/support.ts';

/**
 * Charges the scheduler claims together are settled in one transaction. Payments is down while
 * the orders come in, so every charge waits (with a long backoff); then payments is back and all
 * owed steps fall due at once: one claim, one batch, and each order gets exactly its own answer.
 */
describe('charges settled as one batch', () => {
  let app: TestApp;
  let cafe: Cafe;
  let mocha: { id: string; priceCents: number };
  beforeAll(async () => {
    app = await startTestApp({ config: { ...FAST_SAGA, SAGA_RETRY_MS: 60_000, SAGA_RETRY_MAX_MS: 60_000 } });
    cafe = await openCafe(app);
    mocha = await addItem(cafe, 'Mocha', 420);
  });
  afterAll(() => app?.stop());

  it('each order in the batch is PAID or REJECTED by its own wallet, and a cancelled one is refunded instead', async () => {
    const funded = await customerWith(cafe, 1000); // pays for two mochas, not three
    const broke = await customerWith(cafe, 0);
    const leaving = await customerWith(cafe, 1000);
    const failures: string[] = [];
    app.kernel.injectFault('payments', (method) => (failures.push(method), new Error('down')));
    let ids: { funded: string[]; broke: string; leaving: string };
    try {
      const place = async (token: string) => {
        const res = await order(cafe, token, [{ itemId: mocha.id, quantity: 1 }]);
        expect(res.status).toBe(202);
        return res.body.id as string;
      };
      ids = { funded: [await place(funded.token), await place(funded.token), await place(funded.token)], broke: await place(broke.token), leaving: await place(leaving.token) };
      await eventually(async () => failures.filter((m) => m === 'charge').length, (n) => n >= 5, { within: 5000 });
      const cancel = await app.http.post(`/api/orders/${ids.leaving}/cancel`, undefined, leaving.token);
      expect(cancel.status).toBe(202);
    } finally {
      app.kernel.injectFault('payments', undefined);
    }
    // Everything owed falls due now instead of in a minute.
    await app.kernel.db.admin.execute(sql`update ordering.sagas set due_at = now() where step is not null`);

    const settled = await Promise.all(ids.funded.map((id) => orderReaches(cafe, funded.token, id, ['PAID', 'REJECTED'])));
    expect(settled.filter((o) => o.status === 'PAID')).toHaveLength(2);
    expect(settled.filter((o) => o.status === 'REJECTED').map((o) => o.reason)).toEqual(['payment_declined']);
    expect(await orderReaches(cafe, broke.token, ids.broke, 'REJECTED')).toMatchObject({ reason: 'payment_declined' });
    expect(await orderReaches(cafe, leaving.token, ids.leaving, 'CANCELLED')).toMatchObject({ reason: 'customer_cancelled' });

    const paid = await wallet(cafe, funded.token);
    expect(paid.balanceCents).toBe(1000 - 2 * 420);
    for (const o of settled) expect(charges(paid.history, o.id)).toBe(o.status === 'PAID' ? 1 : 0);
    const left = await wallet(cafe, leaving.token);
    expect(left.balanceCents).toBe(1000);
    expect(charges(left.history, ids.leaving)).toBe(0);

    // The four charges were applied in one transaction: Postgres' now() is the transaction's start.
    const charged = [...ids.funded, ids.broke];
    const rows = await query<{ updated_at: string }>(
      app.kernel.db.admin,
      sql`select updated_at::text from ordering.orders where id in (${sql.join(charged.map((id) => sql`${id}::uuid`), sql`, `)})`,
    );
    expect(new Set(rows.map((r) => r.updated_at)).size).toBe(1);
    const owed = await query<{ n: number | string }>(app.kernel.db.admin, sql`select count(*) as n from ordering.sagas where step is not null or claim_token is not null`);
    expect(Number(owed[0]!.n)).toBe(0);
  });
});
