import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderCancelled, OrderPaid, OrderStatusChanged } from '../../src/modules/ordering/index.ts';
import { paymentsApi } from '../../src/modules/payments/index.ts';
import { query } from '../../src/shared/db/database.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { gatedPayments, withGatedPayments } from './gated-payments.ts';
import { addItem, charges, customerWith, FAST_SAGA, openCafe, order, refunds, wallet, type Cafe } from './support.ts';

/**
 * A charge can land after its order was already settled: its runner outlived its lease (or its
 * call timed out while the charge was still on its way), so a cancellation could claim the saga,
 * ran the refund, found nothing to refund and cancelled the order. That refund left a tombstone
 * in the wallet, so the charge that arrives afterwards is declined: no money is taken for a
 * cancelled order, and the order stays as it was.
 */
describe('a charge landing after the order was settled', () => {
  const payments = gatedPayments();
  let app: TestApp;
  let cafe: Cafe;
  beforeAll(async () => {
    app = await startTestApp({ modules: withGatedPayments(payments), config: {
        ...FAST_SAGA,
        SAGA_LEASE_SECONDS: 1,
        // Only a wake-up (the placement) starts a round: nobody claims the charge a second time
        // while the first one is held.
        SAGA_POLL_MS: 60_000,
      },
    });
    cafe = await openCafe(app);
  });
  afterAll(() => app?.stop());

  it('is declined by payments (order_closed); the order stays CANCELLED and nothing more is announced', async () => {
    const item = await addItem(cafe, 'Flat white', 330);
    const customer = await customerWith(cafe, 1000);
    const published: { type: string; payload: { orderId: string; status?: string; reason?: string | null } }[] = [];
    const off = app.kernel.bus.observe((o) => {
      if (o.kind === 'published') published.push({ type: o.envelope.type, payload: o.envelope.payload as never });
    });
    try {
      payments.hold();
      const placed = await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }]);
      const id = placed.body.id as string;
      await eventually(async () => payments.isWaiting(id), (w) => w);

      // The charge's runner is past its lease: the cancellation claims the saga and refunds at
      // once. Nothing was charged yet, so nothing is refunded, and the order is CANCELLED while
      // the charge is still in flight.
      await new Promise((r) => setTimeout(r, 1500));
      const cancel = await app.http.post(`/api/orders/${id}/cancel`, undefined, customer.token);
      expect(cancel.status).toBe(200);
      expect(cancel.body).toMatchObject({ status: 'CANCELLED', reason: 'customer_cancelled' });
      expect(charges((await wallet(cafe, customer.token)).history, id)).toBe(0);

      payments.release(id);
      const answers = await eventually(async () => payments.answersFor(id), (a) => a.length > 0, { within: 10_000 });
      expect(answers).toEqual([{ outcome: 'declined', reason: 'order_closed', balanceCents: 1000 }]);
      // Nothing is owed or held any more.
      await eventually(
        async () => (await query<{ n: number | string }>(app.kernel.db.admin, sql`select count(*) as n from ordering.sagas where order_id = ${id} and (step is not null or claim_token is not null)`))[0]!.n,
        (n) => Number(n) === 0,
      );

      // Asked again (a saga retry), payments gives the same answer; the money never moved.
      expect(await app.kernel.api(paymentsApi).charge({ customerId: customer.id, orderId: id, amountCents: 330 })).toEqual(answers[0]);
      const w = await wallet(cafe, customer.token);
      expect([charges(w.history, id), refunds(w.history, id), w.balanceCents]).toEqual([0, 0, 1000]);

      const after = (await app.http.get(`/api/orders/${id}`, customer.token)).body;
      expect(after).toMatchObject({ status: 'CANCELLED', reason: 'customer_cancelled' });
      expect(after.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'CANCELLED']);
      const mine = published.filter((p) => p.payload.orderId === id);
      expect(mine.filter((p) => p.type === OrderStatusChanged.type).map((p) => [p.payload.status, p.payload.reason])).toEqual([
        ['PENDING', null],
        ['CANCELLED', 'customer_cancelled'],
      ]);
      expect(mine.filter((p) => p.type === OrderCancelled.type).map((p) => p.payload.reason)).toEqual(['customer_cancelled']);
      expect(mine.filter((p) => p.type === OrderPaid.type)).toEqual([]);
    } finally {
      off();
      payments.releaseAll();
    }
  });
});
