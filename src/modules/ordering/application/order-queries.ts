import type { Principal } from '../../../shared/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import type { Order } from '../domain/order.ts';
import { refused, type Outcome } from '../domain/refusals.ts';

/** Reading orders: the customer their own, staff any. */
export class OrderQueries {
  constructor(private readonly orders: OrderStore) {}

  async get(orderId: string, caller: Principal): Promise<Outcome<{ order: Order }>> {
    const order = await this.orders.byId(orderId);
    if (!order) return refused({ code: 'order-not-found' });
    if (order.customerId !== caller.id && caller.role !== 'barista' && caller.role !== 'admin') return refused({ code: 'not-your-order' });
    return { ok: true, order };
  }

  /** For other modules (through the public API): no caller checks, plain data. */
  find(orderId: string): Promise<Order | undefined> {
    return this.orders.byId(orderId);
  }

  mine(customerId: string): Promise<Order[]> {
    return this.orders.ofCustomer(customerId);
  }
}
