import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderCompleted, OrderPaid, OrderStatusChanged } from '../../src/modules/ordering/index.ts';
import { TicketRejected } from '../../src/modules/fulfillment/index.ts';
import { eventually, scenario } from '../../src/shared/testing/scenario.ts';
import type { TestApp } from '../support/test-app.ts';
import { addItem, barista, charges, customerWith, openCafe, order, orderReaches, refunds, startCafe, ticketOf, wallet, type Cafe } from './support.ts';

describe('the order saga', () => {
  let app: TestApp;
  let cafe: Cafe;
  let latte: { id: string; name: string; priceCents: number };
  let croissant: { id: string; name: string; priceCents: number };
  beforeAll(async () => {
    app = await startCafe();
    cafe = await openCafe(app);
    latte = await addItem(cafe, 'Latte', 350);
    croissant = await addItem(cafe, 'Croissant', 290);
  });
  afterAll(() => app?.stop());

  it('happy path: placed, paid once, brewed, handed over, COMPLETED', async () => {
    const customer = await customerWith(cafe, 2000);
    const statuses: string[] = [];
    const off = app.kernel.bus.observe((o) => {
      if (o.kind === 'published' && o.envelope.type === OrderStatusChanged.type) statuses.push((o.envelope.payload as { status: string }).status);
    });
    const { result: placed, event: paid } = await scenario(app.kernel.bus)
      .when(() => order(cafe, customer.token, [{ itemId: latte.id, quantity: 2 }, { itemId: croissant.id, quantity: 1 }]))
      .expectEvent(OrderPaid, { where: (p, res) => p.orderId === res.body.id, within: 5000 });
    expect(placed.status).toBe(202);
    expect(placed.body).toMatchObject({ status: 'PENDING', totalCents: 2 * 350 + 290 });
    expect(placed.body.items).toEqual([
      { itemId: latte.id, name: 'Latte', quantity: 2, unitPriceCents: 350 },
      { itemId: croissant.id, name: 'Croissant', quantity: 1, unitPriceCents: 290 },
    ]);
    expect(paid.payload.totalCents).toBe(990);
    const id = placed.body.id as string;

    const ticket = await ticketOf(cafe, id);
    expect(ticket.status).toBe('QUEUED');
    expect(ticket.items).toEqual([
      { itemId: latte.id, name: 'Latte', quantity: 2 },
      { itemId: croissant.id, name: 'Croissant', quantity: 1 },
    ]);
    expect((await barista(cafe, ticket.id, 'start')).body.status).toBe('PREPARING');
    await orderReaches(cafe, customer.token, id, 'PREPARING');
    expect((await barista(cafe, ticket.id, 'ready')).body.status).toBe('READY');
    await orderReaches(cafe, customer.token, id, 'READY');
    const { event: completed } = await scenario(app.kernel.bus)
      .when(() => barista(cafe, ticket.id, 'handover'))
      .expectEvent(OrderCompleted, { where: (p) => p.orderId === id, within: 5000 });
    expect(completed.payload.items).toHaveLength(2);

    const done = await orderReaches(cafe, customer.token, id, 'COMPLETED');
    expect(done.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED']);
    expect(done.reason).toBeUndefined();
    const w = await wallet(cafe, customer.token);
    expect(w.balanceCents).toBe(2000 - 990);
    expect(charges(w.history, id)).toBe(1);
    await eventually(async () => statuses, (s) => s.length >= 5);
    off();
    expect(statuses).toEqual(['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED']);

    // The customer sees it in their list; a wrong barista step is a 409.
    const mine = await app.http.get('/api/orders', customer.token);
    expect(mine.body.map((o: { id: string }) => o.id)).toContain(id);
    expect((await barista(cafe, ticket.id, 'start')).status).toBe(409);
  });

  it('insufficient funds: REJECTED payment_declined, nothing charged', async () => {
    const customer = await customerWith(cafe, 100);
    const placed = await order(cafe, customer.token, [{ itemId: latte.id, quantity: 1 }]);
    expect(placed.status).toBe(202);
    const rejected = await orderReaches(cafe, customer.token, placed.body.id, ['REJECTED', 'PAID']);
    expect(rejected).toMatchObject({ status: 'REJECTED', reason: 'payment_declined' });
    expect(rejected.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'REJECTED']);
    const w = await wallet(cafe, customer.token);
    expect(w.balanceCents).toBe(100);
    expect(charges(w.history, placed.body.id)).toBe(0);
  });

  it('barista rejects the ticket: refund, CANCELLED out_of_stock, balance restored', async () => {
    const customer = await customerWith(cafe, 1000);
    const placed = await order(cafe, customer.token, [{ itemId: latte.id, quantity: 1 }]);
    const ticket = await ticketOf(cafe, placed.body.id);
    expect((await barista(cafe, ticket.id, 'start')).status).toBe(200);
    const { result: rejectedTicket } = await scenario(app.kernel.bus)
      .when(() => barista(cafe, ticket.id, 'reject', { reason: 'out of oat milk' }))
      .expectHandled('ordering.compensate-rejected-ticket', TicketRejected, { where: (p) => p.orderId === placed.body.id, within: 5000 });
    expect(rejectedTicket.body).toMatchObject({ status: 'REJECTED', reason: 'out of oat milk' });
    const cancelled = await orderReaches(cafe, customer.token, placed.body.id, 'CANCELLED');
    expect(cancelled.reason).toBe('out_of_stock');
    const w = await wallet(cafe, customer.token);
    expect(w.balanceCents).toBe(1000);
    expect(charges(w.history, placed.body.id)).toBe(1);
    expect(refunds(w.history, placed.body.id)).toBe(1);
  });

  it('customer cancels before preparation: ticket withdrawn, refunded, CANCELLED customer_cancelled', async () => {
    const customer = await customerWith(cafe, 1000);
    const placed = await order(cafe, customer.token, [{ itemId: croissant.id, quantity: 2 }]);
    await orderReaches(cafe, customer.token, placed.body.id, 'PAID');
    const cancelled = await app.http.post(`/api/orders/${placed.body.id}/cancel`, undefined, customer.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', reason: 'customer_cancelled' });
    expect(cancelled.body.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PAID', 'CANCELLED']);
    const w = await wallet(cafe, customer.token);
    expect(w.balanceCents).toBe(1000);
    expect(refunds(w.history, placed.body.id)).toBe(1);
    // The ticket (opened or not yet) will never be made.
    const tickets = (await app.http.get('/api/fulfillment/tickets', cafe.barista)).body as { orderId: string; status: string }[];
    expect(tickets.filter((t) => t.orderId === placed.body.id && t.status !== 'WITHDRAWN')).toEqual([]);
    // Cancelling again is harmless.
    expect((await app.http.post(`/api/orders/${placed.body.id}/cancel`, undefined, customer.token)).status).toBe(200);
  });

  it('customer cancels while PENDING: CANCELLED, never charged', async () => {
    const customer = await customerWith(cafe, 1000);
    app.kernel.injectFault('payments', () => new Error('down'));
    try {
      const placed = await order(cafe, customer.token, [{ itemId: croissant.id, quantity: 1 }]);
      expect(placed.status).toBe(202);
      // Payments is unreachable: the refund is owed, the order waits.
      const pending = await app.http.post(`/api/orders/${placed.body.id}/cancel`, undefined, customer.token);
      expect(pending.status).toBe(202);
      expect(pending.body.status).toBe('PENDING');
      app.kernel.injectFault('payments', undefined);
      const cancelled = await orderReaches(cafe, customer.token, placed.body.id, 'CANCELLED');
      expect(cancelled.reason).toBe('customer_cancelled');
      const w = await wallet(cafe, customer.token);
      expect(w.balanceCents).toBe(1000);
      expect(charges(w.history, placed.body.id)).toBe(0);
    } finally {
      app.kernel.injectFault('payments', undefined);
    }
  });

  it('customer cancels after preparation started: 409, the order goes on', async () => {
    const customer = await customerWith(cafe, 1000);
    const placed = await order(cafe, customer.token, [{ itemId: latte.id, quantity: 1 }]);
    const ticket = await ticketOf(cafe, placed.body.id);
    await barista(cafe, ticket.id, 'start');
    // Whether or not ordering mirrored PREPARING yet, fulfillment has the last word.
    const refused = await app.http.post(`/api/orders/${placed.body.id}/cancel`, undefined, customer.token);
    expect(refused.status).toBe(409);
    const o = await orderReaches(cafe, customer.token, placed.body.id, 'PREPARING');
    expect(o.status).toBe('PREPARING');
    expect((await wallet(cafe, customer.token)).balanceCents).toBe(650);
  });

  it('payments unreachable: the order stays PENDING, then completes once it is back, charged exactly once', async () => {
    const customer = await customerWith(cafe, 1000);
    const failures: string[] = [];
    app.kernel.injectFault('payments', (method) => (failures.push(method), new Error('down')));
    let id: string;
    try {
      const placed = await order(cafe, customer.token, [{ itemId: latte.id, quantity: 1 }]);
      expect(placed.status).toBe(202);
      id = placed.body.id;
      // The scheduler keeps trying (with backoff) while the order waits as "payment being confirmed".
      await eventually(async () => failures.filter((m) => m === 'charge').length, (n) => n >= 3, { within: 5000 });
      expect((await app.http.get(`/api/orders/${id}`, customer.token)).body.status).toBe('PENDING');
    } finally {
      app.kernel.injectFault('payments', undefined);
    }
    await orderReaches(cafe, customer.token, id, 'PAID');
    const ticket = await ticketOf(cafe, id);
    for (const step of ['start', 'ready', 'handover'] as const) expect((await barista(cafe, ticket.id, step)).status).toBe(200);
    await orderReaches(cafe, customer.token, id, 'COMPLETED');
    const w = await wallet(cafe, customer.token);
    expect(charges(w.history, id)).toBe(1);
    expect(w.balanceCents).toBe(650);
  });
});
