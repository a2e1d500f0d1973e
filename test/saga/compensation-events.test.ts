import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderCancelled, OrderCompleted, OrderPaid, OrderPlaced, OrderRejected, OrderStatusChanged } from '../../src/modules/ordering/index.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import type { TestApp } from '../support/test-app.ts';
import { addItem, barista, charges, customerWith, openCafe, order, orderReaches, refunds, startCafe, ticketOf, wallet, type Cafe } from './support.ts';

const ORDER_EVENTS = new Set<string>([OrderPlaced, OrderStatusChanged, OrderPaid, OrderCompleted, OrderCancelled, OrderRejected].map((e) => e.type));

/**
 * What ordering announces is what the rest of the café acts on (fulfillment brews on order-paid,
 * storefront's history follows status changes): each settlement must publish exactly its events.
 */
describe('what the saga announces', () => {
  let app: TestApp;
  let cafe: Cafe;
  const published: { type: string; payload: Record<string, unknown> }[] = [];
  let off: () => void;
  beforeAll(async () => {
    app = await startCafe();
    cafe = await openCafe(app);
    off = app.kernel.bus.observe((o) => {
      if (o.kind === 'published' && ORDER_EVENTS.has(o.envelope.type)) published.push({ type: o.envelope.type, payload: o.envelope.payload as Record<string, unknown> });
    });
  });
  afterAll(async () => {
    off?.();
    await app?.stop();
  });

  /** The order's events once `count` of them were published, as [type, the fields that matter]. */
  async function eventsOf(orderId: string, count: number) {
    const mine = await eventually(async () => published.filter((p) => p.payload['orderId'] === orderId), (m) => m.length >= count, { within: 10_000 });
    return mine.map(({ type, payload }) => [type.replace('ordering.', ''), payload['status'] ?? null, payload['reason'] ?? null]);
  }

  it('a rejected ticket: refunded, then CANCELLED out_of_stock and order-cancelled, never order-rejected', async () => {
    const item = await addItem(cafe, 'Chai', 380);
    const customer = await customerWith(cafe, 1000);
    const id = (await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }])).body.id as string;
    const ticket = await ticketOf(cafe, id);
    expect((await barista(cafe, ticket.id, 'reject', { reason: 'out of chai' })).status).toBe(200);
    await orderReaches(cafe, customer.token, id, 'CANCELLED');
    expect(await eventsOf(id, 6)).toEqual([
      ['order-placed', null, null],
      ['order-status-changed', 'PENDING', null],
      ['order-status-changed', 'PAID', null],
      ['order-paid', null, null],
      ['order-status-changed', 'CANCELLED', 'out_of_stock'],
      ['order-cancelled', null, 'out_of_stock'],
    ]);
    const cancelled = published.find((p) => p.type === OrderCancelled.type && p.payload['orderId'] === id)!;
    expect(cancelled.payload).toEqual({ orderId: id, customerId: customer.id, reason: 'out_of_stock' });
    const w = await wallet(cafe, customer.token);
    expect([charges(w.history, id), refunds(w.history, id), w.balanceCents]).toEqual([1, 1, 1000]);
  });

  it('the customer cancels a paid order: CANCELLED customer_cancelled and order-cancelled', async () => {
    const item = await addItem(cafe, 'Cold brew', 450);
    const customer = await customerWith(cafe, 1000);
    const id = (await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }])).body.id as string;
    await orderReaches(cafe, customer.token, id, 'PAID');
    expect((await app.http.post(`/api/orders/${id}/cancel`, undefined, customer.token)).status).toBe(200);
    expect((await eventsOf(id, 6)).slice(4)).toEqual([
      ['order-status-changed', 'CANCELLED', 'customer_cancelled'],
      ['order-cancelled', null, 'customer_cancelled'],
    ]);
  });

  it('a declined charge: REJECTED payment_declined and order-rejected, never order-paid', async () => {
    const item = await addItem(cafe, 'Affogato', 520);
    const customer = await customerWith(cafe, 100);
    const id = (await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }])).body.id as string;
    await orderReaches(cafe, customer.token, id, 'REJECTED');
    expect(await eventsOf(id, 4)).toEqual([
      ['order-placed', null, null],
      ['order-status-changed', 'PENDING', null],
      ['order-status-changed', 'REJECTED', 'payment_declined'],
      ['order-rejected', null, 'payment_declined'],
    ]);
  });

  it('a free order is PAID without asking payments (which refuses to charge nothing)', async () => {
    const water = await addItem(cafe, 'Tap water', 0);
    const customer = await customerWith(cafe, 0);
    const asked: string[] = [];
    app.kernel.injectFault('payments', (method) => (asked.push(method), new Error('payments must not be asked')));
    let id: string;
    try {
      const placed = await order(cafe, customer.token, [{ itemId: water.id, quantity: 2 }]);
      expect(placed.status).toBe(202);
      expect(placed.body.totalCents).toBe(0);
      id = placed.body.id;
      const paid = await orderReaches(cafe, customer.token, id, ['PAID', 'REJECTED']);
      expect(paid.status).toBe('PAID');
      expect(asked).toEqual([]);
    } finally {
      app.kernel.injectFault('payments', undefined);
    }
    const events = await eventsOf(id, 4);
    expect(events.slice(2)).toEqual([
      ['order-status-changed', 'PAID', null],
      ['order-paid', null, null],
    ]);
    expect(published.find((p) => p.type === OrderPaid.type && p.payload['orderId'] === id)!.payload['totalCents']).toBe(0);
    expect((await wallet(cafe, customer.token)).history).toEqual([]);
  });
});
