import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderingApi } from '../../src/modules/ordering/index.ts';
import type { TestApp } from '../support/test-app.ts';
import { addItem, barista, charges, customerWith, openCafe, order, orderReaches, startCafe, ticketOf, wallet, type Cafe } from './support.ts';

const UNKNOWN = '0194a000-0000-7000-8000-000000000000';
const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

describe('orders and tickets over HTTP', () => {
  let app: TestApp;
  let cafe: Cafe;
  let tea: { id: string; name: string; priceCents: number };
  beforeAll(async () => {
    app = await startCafe();
    cafe = await openCafe(app);
    tea = await addItem(cafe, 'Tea', 200);
  });
  afterAll(() => app?.stop());

  it('same Idempotency-Key and body: one order, the same answer; another body: 422', async () => {
    const customer = await customerWith(cafe, 5000);
    const key = { 'idempotency-key': 'order-42' };
    const first = await order(cafe, customer.token, [{ itemId: tea.id, quantity: 2 }], key);
    expect(first.status).toBe(202);
    await orderReaches(cafe, customer.token, first.body.id, 'PAID');
    const again = await order(cafe, customer.token, [{ itemId: tea.id, quantity: 2 }], key);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const other = await order(cafe, customer.token, [{ itemId: tea.id, quantity: 3 }], key);
    expect(other.status).toBe(422);
    const mine = (await app.http.get('/api/orders', customer.token)).body as { id: string }[];
    expect(mine).toHaveLength(1);
    expect(charges((await wallet(cafe, customer.token)).history, first.body.id)).toBe(1);

    // Keys belong to a customer: someone else's identical key is their own order.
    const stranger = await customerWith(cafe, 0);
    const theirs = await order(cafe, stranger.token, [{ itemId: tea.id, quantity: 2 }], key);
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('concurrent retries with one Idempotency-Key make one order', async () => {
    const customer = await customerWith(cafe, 5000);
    const key = { 'idempotency-key': 'double-click' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => order(cafe, customer.token, [{ itemId: tea.id, quantity: 1 }], key)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await app.http.get('/api/orders', customer.token)).body).toHaveLength(1);
  });

  it('lists the caller’s orders newest first and serves one order with its history', async () => {
    const customer = await customerWith(cafe, 5000);
    const a = (await order(cafe, customer.token, [{ itemId: tea.id, quantity: 1 }])).body.id;
    const b = (await order(cafe, customer.token, [{ itemId: tea.id, quantity: 2 }])).body.id;
    const list = await app.http.get('/api/orders', customer.token);
    expect(list.status).toBe(200);
    expect(list.body.map((o: { id: string }) => o.id)).toEqual([b, a]);
    const one = await orderReaches(cafe, customer.token, a, 'PAID');
    expect(one).toMatchObject({ id: a, status: 'PAID', totalCents: 200, customerId: customer.id });
    expect(one.history).toEqual([
      { status: 'PENDING', at: expect.any(String) },
      { status: 'PAID', at: expect.any(String) },
    ]);
    const dto = await app.kernel.api(orderingApi).getOrder({ orderId: a });
    expect(dto).toMatchObject({ id: a, status: 'PAID', reason: null, totalCents: 200 });
    expect(await app.kernel.api(orderingApi).getOrder({ orderId: UNKNOWN })).toBeNull();
  });

  it('guards orders: others 403, staff may look, unknown 404, only customers order', async () => {
    const owner = await customerWith(cafe, 5000);
    const other = await customerWith(cafe, 0);
    const id = (await order(cafe, owner.token, [{ itemId: tea.id, quantity: 1 }])).body.id;
    expect((await app.http.get(`/api/orders/${id}`, other.token)).status).toBe(403);
    expect((await app.http.post(`/api/orders/${id}/cancel`, undefined, other.token)).status).toBe(403);
    expect((await app.http.post(`/api/orders/${id}/cancel`, undefined, cafe.barista)).status).toBe(403);
    expect((await app.http.get(`/api/orders/${id}`, cafe.barista)).status).toBe(200);
    expect((await app.http.get(`/api/orders/${id}`, cafe.admin)).status).toBe(200);
    expect((await app.http.get(`/api/orders/${UNKNOWN}`, owner.token)).status).toBe(404);
    expect((await app.http.post(`/api/orders/${UNKNOWN}/cancel`, undefined, owner.token)).status).toBe(404);
    expect((await app.http.get(`/api/orders/${id}`)).status).toBe(401);
    expect((await order(cafe, cafe.barista, [{ itemId: tea.id, quantity: 1 }])).status).toBe(403);
    expect((await app.http.get('/api/orders', other.token)).body).toEqual([]);
  });

  it('guards tickets: customers 403, only baristas move them', async () => {
    const customer = await customerWith(cafe, 5000);
    const id = (await order(cafe, customer.token, [{ itemId: tea.id, quantity: 1 }])).body.id;
    const ticket = await ticketOf(cafe, id);
    expect((await app.http.get('/api/fulfillment/tickets', customer.token)).status).toBe(403);
    expect((await app.http.get('/api/fulfillment/tickets?status=QUEUED', cafe.admin)).status).toBe(200);
    expect((await app.http.post(`/api/fulfillment/tickets/${ticket.id}/start`, undefined, customer.token)).status).toBe(403);
    expect((await app.http.post(`/api/fulfillment/tickets/${UNKNOWN}/start`, undefined, cafe.barista)).status).toBe(404);
    expect((await barista(cafe, ticket.id, 'ready')).status).toBe(409);
    expect((await barista(cafe, ticket.id, 'handover')).status).toBe(409);
    const queued = (await app.http.get('/api/fulfillment/tickets?status=QUEUED', cafe.barista)).body as { id: string }[];
    expect(queued.map((t) => t.id)).toContain(ticket.id);
    expect((await barista(cafe, ticket.id, 'start')).status).toBe(200);
    const preparing = (await app.http.get('/api/fulfillment/tickets?status=PREPARING', cafe.barista)).body as { id: string; status: string }[];
    expect(preparing.every((t) => t.status === 'PREPARING')).toBe(true);
    expect(preparing.map((t) => t.id)).toContain(ticket.id);
  });

  it('two baristas pressing start at once: exactly one wins', async () => {
    const customer = await customerWith(cafe, 5000);
    const id = (await order(cafe, customer.token, [{ itemId: tea.id, quantity: 1 }])).body.id;
    const ticket = await ticketOf(cafe, id);
    const presses = await Promise.all([barista(cafe, ticket.id, 'start'), barista(cafe, ticket.id, 'start'), barista(cafe, ticket.id, 'start')]);
    expect(presses.map((p) => p.status).sort()).toEqual([200, 409, 409]);
  });

  it('refuses unknown (404) and unavailable (422) items', async () => {
    const customer = await customerWith(cafe, 5000);
    expect((await order(cafe, customer.token, [{ itemId: UNKNOWN, quantity: 1 }])).status).toBe(404);
    const gone = await addItem(cafe, 'Seasonal pie', 400);
    await app.http.patch(`/api/catalog/items/${gone.id}`, { available: false }, cafe.admin);
    const refused = await order(cafe, customer.token, [{ itemId: tea.id, quantity: 1 }, { itemId: gone.id, quantity: 1 }]);
    expect(refused.status).toBe(422);
    expect((await app.http.get('/api/orders', customer.token)).body).toEqual([]);
  });

  it('answers 400 naming the field for bad input on every route', async () => {
    const customer = await customerWith(cafe, 0);
    const t = customer.token;
    const cases: [Promise<{ status: number; body: { errors?: { field: string }[] } }>, string][] = [
      [app.http.post('/api/orders', {}, t), 'items'],
      [app.http.post('/api/orders', { items: [] }, t), 'items'],
      [order(cafe, t, [{ itemId: tea.id, quantity: 0 }]), 'items.0.quantity'],
      [order(cafe, t, [{ itemId: tea.id, quantity: 1.5 }]), 'items.0.quantity'],
      [order(cafe, t, [{ itemId: tea.id, quantity: -2 }]), 'items.0.quantity'],
      [order(cafe, t, [{ itemId: tea.id, quantity: 1000 }]), 'items.0.quantity'],
      [order(cafe, t, [{ itemId: 'tea', quantity: 1 }]), 'items.0.itemId'],
      [order(cafe, t, [{ itemId: tea.id, quantity: 1 }, { itemId: tea.id, quantity: 2 }]), 'items'],
      [order(cafe, t, Array.from({ length: 21 }, () => ({ itemId: crypto.randomUUID(), quantity: 1 }))), 'items'],
      [order(cafe, t, [{ itemId: tea.id, quantity: 1 }], { 'idempotency-key': 'x'.repeat(300) }), 'idempotency-key'],
      [app.http.get('/api/orders/not-a-uuid', t), 'id'],
      [app.http.post('/api/orders/not-a-uuid/cancel', undefined, t), 'id'],
      [app.http.get('/api/fulfillment/tickets?status=BREWING', cafe.barista), 'status'],
      [app.http.post('/api/fulfillment/tickets/nope/start', undefined, cafe.barista), 'id'],
      [app.http.post('/api/fulfillment/tickets/nope/ready', undefined, cafe.barista), 'id'],
      [app.http.post('/api/fulfillment/tickets/nope/handover', undefined, cafe.barista), 'id'],
      [app.http.post(`/api/fulfillment/tickets/${UNKNOWN}/reject`, {}, cafe.barista), 'reason'],
      [app.http.post(`/api/fulfillment/tickets/${UNKNOWN}/reject`, { reason: '  ' }, cafe.barista), 'reason'],
    ];
    for (const [request, field] of cases) {
      const res = await request;
      expect(res.status, `expected 400 for ${field}`).toBe(400);
      expect(fields(res.body)).toContain(field);
    }
  });
});
