import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderCompleted } from '../../src/modules/ordering/index.ts';
import { ReviewPosted } from '../../src/modules/reviews/index.ts';
import { eventually, scenario } from '../../src/shared/testing/scenario.ts';
import { line, startReadSide, type ReadSide } from './support.ts';

describe('reviews', () => {
  let side: ReadSide;
  let admin: string;
  let latte: { id: string; name: string; priceCents: number };
  let scone: { id: string; name: string; priceCents: number };
  let cake: { id: string; name: string; priceCents: number };
  beforeAll(async () => {
    side = await startReadSide();
    admin = await side.app.adminToken();
    const add = async (name: string, priceCents: number) => (await side.app.http.post('/api/catalog/items', { name, priceCents }, admin)).body;
    latte = await add('Latte', 350);
    scone = await add('Scone', 250);
    cake = await add('Carrot cake', 400);
  });
  afterAll(() => side?.app.stop());

  /** A customer with a completed order that reviews has heard about. */
  async function customerWithCompletedOrder() {
    const customer = await side.app.signUp();
    const { result: orderId } = await scenario(side.app.kernel.bus)
      .when(() => side.orders.complete(customer.id, [line(latte, 2), line(scone)]))
      .expectHandled('reviews.remember-completed-order', OrderCompleted, { where: (p, id) => p.orderId === id, within: 5000 });
    return { customer, orderId };
  }

  it('accepts a review of an item of a completed order and publishes reviews.review-posted', async () => {
    const { customer, orderId } = await customerWithCompletedOrder();
    const { result, event } = await scenario(side.app.kernel.bus)
      .when(() => side.app.http.post('/api/reviews', { orderId, itemId: latte.id, rating: 5, text: 'Silky' }, customer.token))
      .expectEvent(ReviewPosted, { where: (p) => p.orderId === orderId, within: 3000 });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ orderId, itemId: latte.id, customerId: customer.id, rating: 5, text: 'Silky' });
    expect(event.payload).toEqual({ reviewId: result.body.id, itemId: latte.id, orderId, customerId: customer.id, rating: 5 });

    const list = await side.app.http.get(`/api/reviews?itemId=${latte.id}`);
    expect(list.status).toBe(200);
    expect(list.body.map((r: { id: string }) => r.id)).toContain(result.body.id);
    const other = await side.app.http.get(`/api/reviews?itemId=${scone.id}`);
    expect(other.body.map((r: { id: string }) => r.id)).not.toContain(result.body.id);
  });

  it('refuses an order it has not seen completed with 422', async () => {
    const customer = await side.app.signUp();
    const res = await side.app.http.post('/api/reviews', { orderId: '0194a000-0000-7000-8000-000000000001', itemId: latte.id, rating: 4, text: 'x' }, customer.token);
    expect(res.status).toBe(422);
    expect(res.body.type).toContain('order-not-completed');
  });

  it('refuses an item that is not in the order with 422', async () => {
    const { customer, orderId } = await customerWithCompletedOrder();
    const res = await side.app.http.post('/api/reviews', { orderId, itemId: cake.id, rating: 4, text: 'x' }, customer.token);
    expect(res.status).toBe(422);
    expect(res.body.type).toContain('item-not-in-order');
  });

  it("refuses another customer's order with 403", async () => {
    const { orderId } = await customerWithCompletedOrder();
    const stranger = await side.app.signUp();
    const res = await side.app.http.post('/api/reviews', { orderId, itemId: latte.id, rating: 1, text: 'not mine' }, stranger.token);
    expect(res.status).toBe(403);
    expect((await side.app.http.get(`/api/reviews?itemId=${latte.id}`)).body.some((r: { orderId: string; customerId: string }) => r.customerId === stranger.id)).toBe(false);
  });

  it('refuses a second review of the same order item with 409, also when both race', async () => {
    const { customer, orderId } = await customerWithCompletedOrder();
    const body = { orderId, itemId: scone.id, rating: 3, text: 'fine' };
    const [a, b] = await Promise.all([side.app.http.post('/api/reviews', body, customer.token), side.app.http.post('/api/reviews', body, customer.token)]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const again = await side.app.http.post('/api/reviews', { ...body, rating: 1 }, customer.token);
    expect(again.status).toBe(409);
    expect(again.body.type).toContain('already-reviewed');
    const mine = (await side.app.http.get(`/api/reviews?itemId=${scone.id}`)).body.filter((r: { orderId: string }) => r.orderId === orderId);
    expect(mine).toHaveLength(1);
    // The other item of the same order is still open for review.
    expect((await side.app.http.post('/api/reviews', { ...body, itemId: latte.id }, customer.token)).status).toBe(201);
  });

  it('validates input naming the field, and guards the route', async () => {
    const { customer, orderId } = await customerWithCompletedOrder();
    const bad = await side.app.http.post('/api/reviews', { orderId, itemId: 'nope', rating: 6, text: 'x'.repeat(2001) }, customer.token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['itemId', 'rating', 'text']);
    const fractional = await side.app.http.post('/api/reviews', { orderId, itemId: latte.id, rating: 4.5, text: 'x' }, customer.token);
    expect(fractional.status).toBe(400);
    expect(fractional.body.errors[0].field).toBe('rating');
    const missing = await side.app.http.post('/api/reviews', { itemId: latte.id, rating: 4, text: 'x' }, customer.token);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['orderId']);
    expect((await side.app.http.post('/api/reviews', { orderId, itemId: latte.id, rating: 4, text: 'x' })).status).toBe(401);
    const barista = await side.app.signUp('barista');
    expect((await side.app.http.post('/api/reviews', { orderId, itemId: latte.id, rating: 4, text: 'x' }, barista.token)).status).toBe(403);
    expect((await side.app.http.get('/api/reviews?itemId=not-a-uuid')).status).toBe(400);
  });

  it('treats a redelivered order-completed event as a no-op', async () => {
    const customer = await side.app.signUp();
    const { event } = await scenario(side.app.kernel.bus)
      .when(() => side.orders.complete(customer.id, [line(cake)]))
      .expectHandled('reviews.remember-completed-order', OrderCompleted, { where: (p) => p.customerId === customer.id, within: 5000 });
    const outcome = await side.app.kernel.bus.deliver('reviews.remember-completed-order', event, 1, true);
    expect(outcome.outcome).toBe('duplicate');
    const posted = await eventually(
      () => side.app.http.post('/api/reviews', { orderId: event.payload.orderId, itemId: cake.id, rating: 2, text: '' }, customer.token),
      (r) => r.status === 201,
    );
    expect(posted.body.text).toBe('');
  });
});
