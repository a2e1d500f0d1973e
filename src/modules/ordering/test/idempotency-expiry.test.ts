import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../../shared/db/database.ts';
import { createLogger } from '../../../shared/logger.ts';
import { eventually } from '../../../shared/testing/scenario.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { addItem, customerWith, FAST_SAGA, openCafe, order, type Cafe } from '../../../../test/saga/support.ts';
import { KeyPurge } from '../application/key-purge.ts';
import { hashRequest } from '../application/place-order.ts';
import { OrderStore } from '../db/order-store.ts';
import { KeyWindow } from '../domain/idempotency.ts';
import { placeOrder } from '../domain/order.ts';
import { orderingSettings } from '../settings.ts';

const DAY_MS = 86_400_000;

describe('Idempotency-Keys expire', () => {
  let app: TestApp;
  let cafe: Cafe;
  let store: OrderStore;
  let latte: { id: string; name: string; priceCents: number };
  beforeAll(async () => {
    app = await startTestApp({ config: FAST_SAGA });
    cafe = await openCafe(app);
    store = new OrderStore(app.kernel.db.forModule('ordering'));
    latte = await addItem(cafe, 'Latte', 350);
  });
  afterAll(() => app?.stop());

  /** An order placed `ageMs` ago (before `now`) with an Idempotency-Key, written through ordering's own store. */
  async function placedEarlier(customerId: string, key: string, ageMs: number, now = new Date()): Promise<string> {
    const items = [{ itemId: latte.id, quantity: 1 }];
    const old = placeOrder({ id: uuidv7(), customerId, items: [{ itemId: latte.id, name: 'Latte', quantity: 1, unitPriceCents: 350 }], at: new Date(now.getTime() - ageMs).toISOString() });
    await store.insert(old, { key, requestHash: hashRequest({ items }) });
    return old.id;
  }
  const keyOf = async (orderId: string) =>
    (await query<{ key: string | null }>(app.kernel.db.admin, sql`select idempotency_key as key from ordering.orders where id = ${orderId}`))[0]?.key;

  it('hold for a day by default', () => {
    expect(orderingSettings.parse({}).IDEMPOTENCY_KEY_TTL_SECONDS).toBe(86_400);
  });

  it('within its window a key answers with its order, even a day-old one just inside', async () => {
    const customer = await customerWith(cafe, 0);
    const earlier = await placedEarlier(customer.id, 'breakfast', DAY_MS - 60_000);
    const again = await order(cafe, customer.token, [{ itemId: latte.id, quantity: 1 }], { 'idempotency-key': 'breakfast' });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(earlier);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const otherBody = await order(cafe, customer.token, [{ itemId: latte.id, quantity: 2 }], { 'idempotency-key': 'breakfast' });
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.type).toMatch(/idempotency-key-reused$/);
  });

  it('after its window the key places a new order, which then owns the key; the old order stays', async () => {
    const customer = await customerWith(cafe, 0);
    const earlier = await placedEarlier(customer.id, 'lunch', DAY_MS + 60_000);
    const fresh = await order(cafe, customer.token, [{ itemId: latte.id, quantity: 1 }], { 'idempotency-key': 'lunch' });
    expect(fresh.status).toBe(202);
    expect(fresh.body.id).not.toBe(earlier);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    // The key moved from the old order to the new one, in the placing transaction.
    expect([await keyOf(earlier), await keyOf(fresh.body.id)]).toEqual([null, 'lunch']);
    const retried = await order(cafe, customer.token, [{ itemId: latte.id, quantity: 1 }], { 'idempotency-key': 'lunch' });
    expect([retried.status, retried.body.id, retried.headers.get('idempotent-replayed')]).toEqual([202, fresh.body.id, 'true']);
    expect((await app.http.get(`/api/orders/${earlier}`, customer.token)).body).toMatchObject({ id: earlier, status: 'PENDING' });
  });

  it('the purge frees exactly the keys whose window is over by its clock, in batches, and never one inside it', async () => {
    // A clock far in the past, so the other tests' orders (placed now) are all inside its window.
    const now = new Date('2020-06-01T12:00:00Z');
    const window = new KeyWindow(86_400);
    const customerId = uuidv7();
    const expired = await Promise.all([1, 2, 3].map((n) => placedEarlier(customerId, `old-${n}`, DAY_MS + n, now)));
    const atCutoff = await placedEarlier(customerId, 'at-cutoff', DAY_MS, now);
    const inside = await placedEarlier(customerId, 'inside', DAY_MS - 1, now);
    const purge = new KeyPurge(store, { window, clock: () => now, intervalMs: 60_000, batch: 2 }, createLogger('silent'));

    expect(await purge.runOnce()).toBe(3);
    for (const id of expired) expect(await keyOf(id)).toBeNull();
    expect([await keyOf(atCutoff), await keyOf(inside)]).toEqual(['at-cutoff', 'inside']);
    expect(await purge.runOnce()).toBe(0);
    // The purge and the lookup agree on the boundary: what the purge keeps, a retry still finds.
    for (const id of [atCutoff, inside]) expect(window.holds((await store.byId(id))!.createdAt, now)).toBe(true);
    for (const id of expired) expect(window.holds((await store.byId(id))!.createdAt, now)).toBe(false);
  });

  it('runs on its own once started, and stops', async () => {
    const customerId = uuidv7();
    const stale = await placedEarlier(customerId, 'stale', DAY_MS + 1000);
    const fresh = await placedEarlier(customerId, 'fresh', 1000);
    const purge = new KeyPurge(store, { window: new KeyWindow(86_400), clock: () => new Date(), intervalMs: 50 }, createLogger('silent'));
    purge.start();
    try {
      await eventually(() => keyOf(stale), (key) => key === null);
    } finally {
      await purge.stop();
    }
    expect(await keyOf(fresh)).toBe('fresh');
  });
});
