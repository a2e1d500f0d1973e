import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: the app loads the zod OpenAPI extension before any module's contracts.
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { rebuildProjection } from '../../src/shared/bus/rebuild.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { storefrontRows } from './support.ts';
import { moduleNamed } from '../support/modules.ts';

const storefrontModule = moduleNamed('storefront');

interface Order {
  id: string;
  status: string;
  reason: string | null;
  totalCents: number;
  items: { itemId: string; name: string; quantity: number; unitPriceCents: number }[];
  placedAt: string;
  updatedAt: string;
}

/** Real orders through the whole café: ordering's saga, payments, fulfillment, then the read side. */
describe('read side end to end', () => {
  let app: TestApp;
  let admin: string;
  let barista: string;
  let latte: { id: string; name: string; priceCents: number };
  let bun: { id: string; name: string; priceCents: number };

  beforeAll(async () => {
    app = await startTestApp({ config: { SAGA_POLL_MS: 50, SAGA_RETRY_MS: 20, SAGA_RETRY_MAX_MS: 200 } });
    admin = await app.adminToken();
    barista = (await app.signUp('barista')).token;
    latte = (await app.http.post('/api/catalog/items', { name: 'Latte', priceCents: 350 }, admin)).body;
    bun = (await app.http.post('/api/catalog/items', { name: 'Cinnamon bun', priceCents: 280 }, admin)).body;
  });
  afterAll(() => app?.stop());

  async function customerWith(cents: number) {
    const customer = await app.signUp();
    expect((await app.http.post('/api/payments/wallet/deposits', { amountCents: cents }, customer.token)).status).toBe(201);
    return customer;
  }

  async function placeOrder(token: string, items: { itemId: string; quantity: number }[]) {
    const res = await app.http.post('/api/orders', { items }, token);
    expect(res.status).toBe(202);
    return res.body.id as string;
  }

  const myOrders = async (token: string) => (await app.http.get<Order[]>('/api/storefront/my-orders', token)).body;
  const myOrder = (token: string, id: string) => async () => (await myOrders(token)).find((o) => o.id === id);

  async function ticketOf(orderId: string): Promise<string> {
    const ticket = await eventually(
      async () => ((await app.http.get('/api/fulfillment/tickets', barista)).body as { id: string; orderId: string }[]).find((t) => t.orderId === orderId),
      (t) => t !== undefined,
      { within: 5000 },
    );
    return ticket!.id;
  }

  async function brewAndHandOver(orderId: string) {
    const ticket = await ticketOf(orderId);
    for (const step of ['start', 'ready', 'handover']) expect((await app.http.post(`/api/fulfillment/tickets/${ticket}/${step}`, undefined, barista)).status).toBe(200);
  }

  it('follows an order from placement to COMPLETED in my-orders, then takes one review per item into the menu', async () => {
    const customer = await customerWith(5000);
    const orderId = await placeOrder(customer.token, [
      { itemId: latte.id, quantity: 2 },
      { itemId: bun.id, quantity: 1 },
    ]);
    const placed = await eventually(myOrder(customer.token, orderId), (o) => o !== undefined, { within: 5000 });
    expect(placed).toMatchObject({ totalCents: 2 * 350 + 280 });
    expect(placed!.items.map((i) => [i.itemId, i.quantity])).toEqual([
      [latte.id, 2],
      [bun.id, 1],
    ]);

    // Not completed yet: reviews has no copy of it, whatever ordering says.
    await eventually(myOrder(customer.token, orderId), (o) => o?.status === 'PAID', { within: 5000 });
    expect((await app.http.post('/api/reviews', { orderId, itemId: latte.id, rating: 5, text: 'early' }, customer.token)).status).toBe(422);

    await brewAndHandOver(orderId);
    const done = await eventually(myOrder(customer.token, orderId), (o) => o?.status === 'COMPLETED', { within: 5000 });
    expect(done!.updatedAt >= done!.placedAt).toBe(true);

    const review = await eventually(
      () => app.http.post('/api/reviews', { orderId, itemId: latte.id, rating: 4, text: 'Lovely foam' }, customer.token),
      (r) => r.status !== 422,
      { within: 5000 },
    );
    expect(review.status).toBe(201);
    expect((await app.http.post('/api/reviews', { orderId, itemId: latte.id, rating: 1, text: 'again' }, customer.token)).status).toBe(409);
    const stranger = await app.signUp();
    expect((await app.http.post('/api/reviews', { orderId, itemId: bun.id, rating: 1, text: 'not mine' }, stranger.token)).status).toBe(403);
    const other = (await app.http.post('/api/catalog/items', { name: 'Tea', priceCents: 200 }, admin)).body;
    expect((await app.http.post('/api/reviews', { orderId, itemId: other.id, rating: 3, text: 'never ordered' }, customer.token)).status).toBe(422);

    const menu = await eventually(
      async () => (await app.http.get('/api/storefront/menu')).body as { id: string; avgRating: number | null; reviewCount: number; priceCents: number }[],
      (m) => m.find((e) => e.id === latte.id)?.reviewCount === 1,
      { within: 5000 },
    );
    expect(menu.find((e) => e.id === latte.id)).toMatchObject({ avgRating: 4, reviewCount: 1, priceCents: 350 });
    expect(menu.find((e) => e.id === bun.id)).toMatchObject({ avgRating: null, reviewCount: 0 });
    expect((await myOrders(stranger.token)).some((o) => o.id === orderId)).toBe(false);
  });

  it('shows a declined order as REJECTED with its reason, newest first', async () => {
    const customer = await customerWith(400);
    const first = await placeOrder(customer.token, [{ itemId: latte.id, quantity: 1 }]);
    await eventually(myOrder(customer.token, first), (o) => o?.status === 'PAID', { within: 5000 });
    const second = await placeOrder(customer.token, [{ itemId: bun.id, quantity: 3 }]);
    await eventually(myOrder(customer.token, second), (o) => o?.status === 'REJECTED', { within: 5000 });
    const list = await myOrders(customer.token);
    expect(list.map((o) => o.id)).toEqual([second, first]);
    expect(list[0]).toMatchObject({ status: 'REJECTED', reason: 'payment_declined' });
  });

  it('rebuilds storefront from the history of the real café to exactly the live read model', async () => {
    const kernel = app.kernel;
    await eventually(() => kernel.bus.backlog(), (b) => Object.values(b).every((n) => n === 0), { within: 5000 });
    const snapshot = async () => ({
      menu: (await storefrontRows(app, 'menu_items', 'id')).map(({ refreshed_at: _, ...row }) => row),
      ratings: await storefrontRows(app, 'item_ratings', 'item_id'),
      orders: await storefrontRows(app, 'order_history', 'order_id'),
    });
    const live = await snapshot();
    const result = await rebuildProjection(kernel, storefrontModule);
    expect(result.failed).toBe(0);
    const rebuilt = await snapshot();
    for (const key of ['menu', 'ratings', 'orders'] as const) {
      expect(rebuilt[key]).toHaveLength(live[key].length);
      live[key].forEach((row, i) => expect(rebuilt[key][i], `${key} row ${i}`).toEqual(row));
    }
  });
});
