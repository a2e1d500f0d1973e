import { createHash } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { ApiClient } from '../../../shared/api.ts';
import type { Principal } from '../../../shared/auth/tokens.ts';
import { conflict, forbidden, notFound, unprocessable } from '../../../shared/errors.ts';
import type { CatalogApi } from '../../catalog/index.ts';
import type { FulfillmentApi } from '../../fulfillment/index.ts';
import { DuplicateIdempotencyKey, type OrderStore } from '../db/order-store.ts';
import type { SagaStore } from '../db/saga-store.ts';
import { customerMayCancel, placeOrder, type Order, type OrderLine } from '../domain/order.ts';
import { announce } from './announce.ts';
import type { UnitOfWork } from './order-saga.ts';
import type { SagaScheduler } from './saga-scheduler.ts';

export interface OrderRequest {
  items: { itemId: string; quantity: number }[];
}

export interface Placed {
  order: Order;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

/** ordering's use cases: what the customer (and the staff looking at orders) can do. */
export class Orders {
  constructor(
    private readonly orders: OrderStore,
    private readonly sagas: SagaStore,
    private readonly unitOfWork: UnitOfWork,
    private readonly catalog: ApiClient<CatalogApi>,
    private readonly fulfillment: ApiClient<FulfillmentApi>,
    private readonly scheduler: SagaScheduler,
  ) {}

  /**
   * Prices the items through catalog, stores the order PENDING with its saga (owing a charge) and
   * the events in one transaction, then wakes the scheduler: the customer gets 202 at once and
   * the charge happens behind it ("payment being confirmed").
   */
  async place(customerId: string, request: OrderRequest, idempotencyKey?: string): Promise<Placed> {
    const requestHash = idempotencyKey ? hashRequest(request) : undefined;
    if (idempotencyKey) {
      const earlier = await this.replay(customerId, idempotencyKey, requestHash!);
      if (earlier) return earlier;
    }
    const lines = await this.price(request);
    const order = placeOrder({ id: uuidv7(), customerId, items: lines, at: new Date().toISOString() });
    try {
      await this.unitOfWork(async (tx, publish) => {
        // Sent together: Postgres gets both statements in one round trip (they are pipelined on
        // the transaction's connection). If the order insert fails, so does the saga's, in the
        // same aborted transaction; the order's error is the one that tells what happened.
        const [placed, begun] = await Promise.allSettled([
          this.orders.with(tx).insert(order, idempotencyKey ? { key: idempotencyKey, requestHash: requestHash! } : undefined),
          this.sagas.with(tx).begin(order.id, customerId),
        ]);
        if (placed.status === 'rejected') throw placed.reason;
        if (begun.status === 'rejected') throw begun.reason;
        await announce(publish, order, ['PENDING']);
      });
    } catch (err) {
      // Two requests with the same key raced; the one that lost answers with the winner's order.
      if (err instanceof DuplicateIdempotencyKey) {
        const earlier = await this.replay(customerId, idempotencyKey!, requestHash!);
        if (earlier) return earlier;
      }
      throw err;
    }
    this.scheduler.wake();
    return { order, replayed: false };
  }

  private async replay(customerId: string, key: string, requestHash: string): Promise<Placed | undefined> {
    const earlier = await this.orders.byIdempotencyKey(customerId, key);
    if (!earlier) return undefined;
    if (earlier.requestHash !== requestHash) {
      throw unprocessable('This Idempotency-Key was used with a different request body', 'idempotency-key-reused');
    }
    return { order: earlier.order, replayed: true };
  }

  private async price(request: OrderRequest): Promise<OrderLine[]> {
    const ids = [...new Set(request.items.map((l) => l.itemId))];
    const known = new Map((await this.catalog.getItems({ ids })).map((i) => [i.id, i]));
    return request.items.map((line) => {
      const item = known.get(line.itemId);
      if (!item) throw notFound(`Item ${line.itemId}`);
      if (!item.available) throw unprocessable(`${item.name} is not available right now`, 'item-unavailable');
      return { itemId: item.id, name: item.name, quantity: line.quantity, unitPriceCents: item.priceCents };
    });
  }

  async get(orderId: string, caller: Principal): Promise<Order> {
    const order = await this.orders.byId(orderId);
    if (!order) throw notFound('Order');
    if (order.customerId !== caller.id && caller.role !== 'barista' && caller.role !== 'admin') throw forbidden('This is not your order');
    return order;
  }

  /** For other modules (through the public API): no caller checks, plain data. */
  find(orderId: string): Promise<Order | undefined> {
    return this.orders.byId(orderId);
  }

  mine(customerId: string): Promise<Order[]> {
    return this.orders.ofCustomer(customerId);
  }

  /**
   * The customer cancels. A paid order's ticket is withdrawn first (fulfillment has the last
   * word: once the barista started, 409). Then the saga owes a refund, and the order becomes
   * CANCELLED only once that refund succeeded. `settled` is false when the refund could not run
   * right now (payments unreachable, or a charge still landing): the saga finishes it later.
   */
  async cancel(orderId: string, caller: Principal): Promise<{ order: Order; settled: boolean }> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const order = await this.orders.byId(orderId);
      if (!order) throw notFound('Order');
      if (order.customerId !== caller.id) throw forbidden('Only the customer who placed the order may cancel it');
      if (order.status === 'CANCELLED' && order.reason === 'customer_cancelled') return { order, settled: true };
      const allowed = customerMayCancel(order);
      if (!allowed.ok) throw conflict(allowed.refusal, 'order-not-cancellable');

      if (order.status === 'PAID') {
        const { outcome } = await this.fulfillment.withdrawTicket({ orderId });
        if (outcome === 'already_started') throw conflict('Preparation has started; the order can no longer be cancelled', 'order-not-cancellable');
      }
      const owed = await this.unitOfWork(async (tx) => {
        const saga = await this.sagas.with(tx).lock(orderId);
        const current = await this.orders.with(tx).byId(orderId, true);
        // The order moved on since we looked (say the charge landed: now there is a ticket to withdraw).
        if (!saga || !current || current.status !== order.status) return { moved: true as const };
        // Claimed in the same transaction, so the scheduler does not take the refund from under us.
        return { moved: false as const, claimed: await this.sagas.with(tx).oweRefundAndClaim(orderId, 'customer_cancelled', uuidv7(), this.scheduler.leaseSeconds) };
      });
      if (owed.moved) continue;
      // Not claimable: a charge is landing right now; the refund runs right after it, on its own.
      if (owed.claimed) await this.scheduler.runClaimed(owed.claimed);
      const after = (await this.orders.byId(orderId))!;
      return { order: after, settled: after.status === 'CANCELLED' };
    }
    throw conflict('The order keeps changing; try again', 'order-busy');
  }
}

/** The same items in the same order hash the same; anything else is another request. */
function hashRequest(request: OrderRequest): string {
  const canonical = JSON.stringify(request.items.map((l) => [l.itemId.toLowerCase(), l.quantity]));
  return createHash('sha256').update(canonical).digest('hex');
}
