import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../src/shared/db/database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addItem, charges, customerWith, FAST_SAGA, openCafe, order, orderReaches, wallet, type Cafe } from './support.ts';

/**
 * The placing process claims the charge in the placement's transaction and runs it as soon as the
 * placement commits, grouped with the charges placed meanwhile. Here no scheduler round could
 * find those charges (the next poll is a minute away) and no other process could take them over
 * (the claims hold for a minute): each order is PAID only if the placement's own claim is run.
 */
describe('the charge claimed at placement', () => {
  let app: TestApp;
  let cafe: Cafe;
  beforeAll(async () => {
    app = await startTestApp({ config: { ...FAST_SAGA, SAGA_POLL_MS: 60_000, SAGA_LEASE_SECONDS: 60 } });
    cafe = await openCafe(app);
  });
  afterAll(() => app?.stop());

  it('runs at once for orders placed together, charging each once and leaving no claim behind', async () => {
    const item = await addItem(cafe, 'Lungo', 250);
    const customers = await Promise.all([customerWith(cafe, 5000), customerWith(cafe, 5000), customerWith(cafe, 5000)]);
    const placed = await Promise.all(
      Array.from({ length: 12 }, (_, n) => customers[n % 3]!).map(async (c) => {
        const res = await order(cafe, c.token, [{ itemId: item.id, quantity: 2 }]);
        expect(res.status).toBe(202);
        return { id: res.body.id as string, token: c.token };
      }),
    );
    for (const p of placed) await orderReaches(cafe, p.token, p.id, 'PAID', 10_000);

    for (const c of customers) {
      const w = await wallet(cafe, c.token);
      const mine = placed.filter((p) => p.token === c.token);
      expect(mine.map((p) => charges(w.history, p.id))).toEqual(mine.map(() => 1));
      expect(w.balanceCents).toBe(5000 - mine.length * 500);
    }
    const ids = placed.map((p) => p.id);
    const [left] = await query<{ n: number | string }>(
      app.kernel.db.admin,
      sql`select count(*) as n from ordering.sagas where order_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)}) and (step is not null or claim_token is not null)`,
    );
    expect(Number(left!.n)).toBe(0);
  });
});
