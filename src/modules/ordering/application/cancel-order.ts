import type { ApiClient, Principal } from '../../../shared/index.ts';
import type { FulfillmentApi } from '../../fulfillment/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import { customerMayCancel, type Order } from '../domain/order.ts';
import { refused, type Outcome } from '../domain/refusals.ts';
import type { OrderSaga } from './order-saga.ts';

/** How often a cancellation looks again at an order that moved under it before giving up. */
const ATTEMPTS = 5;

/**
 * The customer cancels. A paid order's ticket is withdrawn first (fulfillment has the last
 * word: once the barista started, it is too late). Then the saga owes a refund, and the order
 * becomes CANCELLED only once that refund succeeded. `settled` is false when the refund could not
 * run right now (payments unreachable, or a charge still landing): the saga finishes it later.
 */
export class CancelOrder {
  constructor(
    private readonly orders: OrderStore,
    private readonly saga: OrderSaga,
    private readonly fulfillment: ApiClient<FulfillmentApi>,
  ) {}

  async run(orderId: string, caller: Principal): Promise<Outcome<{ order: Order; settled: boolean }>> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const order = await this.orders.byId(orderId);
      if (!order) return refused({ code: 'order-not-found' });
      if (order.customerId !== caller.id) return refused({ code: 'not-the-customer' });
      if (order.status === 'CANCELLED' && order.reason === 'customer_cancelled') return { ok: true, order, settled: true };
      const allowed = customerMayCancel(order);
      if (!allowed.ok) return refused({ code: 'not-cancellable', ...allowed.refusal });

      if (order.status === 'PAID') {
        const { outcome } = await this.fulfillment.withdrawTicket({ orderId });
        if (outcome === 'already_started') return refused({ code: 'not-cancellable', reason: 'preparation-started' });
      }
      if ((await this.saga.cancel(orderId, order.status)) === 'moved') continue;
      const after = (await this.orders.byId(orderId))!;
      return { ok: true, order: after, settled: after.status === 'CANCELLED' };
    }
    return refused({ code: 'order-busy' });
  }
}
