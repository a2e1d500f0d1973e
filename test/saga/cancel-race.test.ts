import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import type { PaymentsApi } from '../../src/modules/payments/index.ts';
import type { ApiImplementation } from '../../src/shared/api.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addItem, charges, customerWith, FAST_SAGA, openCafe, order, orderReaches, refunds, wallet, type Cafe } from './support.ts';

/**
 * payments as deployed, except that a charge can be held at the door: the test decides when the
 * charge reaches the wallet, so it can cancel the order while the charge is in flight.
 */
function gatedPayments() {
  const held = new Map<string, () => void>();
  const waiting = new Set<string>();
  let holding = false;
  const real = modules.find((m) => m.name === 'payments')! as ModuleDefinition<PaymentsApi>;
  const definition: ModuleDefinition<PaymentsApi> = {
    ...real,
    async setup(ctx) {
      const instance = await real.setup(ctx);
      const api = instance.api as ApiImplementation<PaymentsApi>;
      return {
        ...instance,
        api: {
          ...api,
          charge: async (input) => {
            if (holding) {
              waiting.add(input.orderId);
              await new Promise<void>((release) => held.set(input.orderId, release));
            }
            return api.charge(input);
          },
        },
      };
    },
  };
  return {
    definition: definition as unknown as ModuleDefinition,
    hold: () => (holding = true),
    isWaiting: (orderId: string) => waiting.has(orderId),
    release(orderId: string) {
      holding = false;
      held.get(orderId)?.();
    },
  };
}

describe('a cancellation racing the charge', () => {
  const payments = gatedPayments();
  let app: TestApp;
  let cafe: Cafe;
  beforeAll(async () => {
    app = await startTestApp({
      modules: modules.map((m) => (m.name === 'payments' ? payments.definition : m)),
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
