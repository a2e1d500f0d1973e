import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { gatedPayments, withGatedPayments } from './gated-payments.ts';
import { addItem, charges, customerWith, FAST_SAGA, openCafe, order, orderReaches, refunds, wallet, type Cafe } from './support.ts';

describe('a cancellation racing the charge', () => {
  const payments = gatedPayments();
  let app: TestApp;
  let cafe: Cafe;
  beforeAll(async () => {
    app = await startTestApp({
      modules: withGatedPayments(payments),
      config: FAST_SAGA,
    });
    cafe = await openCafe(app);
  });
  afterAll(() => app?.stop());

  it('a charge that lands after the customer cancelled is refunded; the order is never PAID', async () => {
    const item = await addItem(cafe, 'Filter coffee', 280);
    const customer = await customerWith(cafe, 1000);
    payments.hold();
    const placed = await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }]);
    const id = placed.body.id as string;
    await eventually(async () => payments.isWaiting(id), (w) => w);

    // The charge is in flight: the cancellation is accepted, the refund waits for it.
    const cancel = await app.http.post(`/api/orders/${id}/cancel`, undefined, customer.token);
    expect(cancel.status).toBe(202);
    expect(cancel.body.status).toBe('PENDING');

    payments.release(id);
    const cancelled = await orderReaches(cafe, customer.token, id, ['CANCELLED', 'PAID']);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', reason: 'customer_cancelled' });
    expect(cancelled.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CANCELLED']);
    const w = await eventually(() => wallet(cafe, customer.token), (x) => refunds(x.history, id) === 1);
    expect(charges(w.history, id)).toBe(1);
    expect(w.balanceCents).toBe(1000);
    // No ticket: order-paid was never published.
    const tickets = (await app.http.get('/api/fulfillment/tickets', cafe.barista)).body as { orderId: string }[];
    expect(tickets.filter((t) => t.orderId === id)).toEqual([]);
  });
});
