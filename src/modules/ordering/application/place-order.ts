import { createHash } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { together, type ApiClient, type UnitOfWork } from '../../../shared/index.ts';
import type { CatalogApi } from '../../catalog/index.ts';
import { DuplicateIdempotencyKey, type OrderStore } from '../db/order-store.ts';
import type { KeyWindow } from '../domain/idempotency.ts';
import { placeOrder, type Order, type OrderLine } from '../domain/order.ts';
import { refused, type Outcome } from '../domain/refusals.ts';
import { announce } from './announce.ts';
import type { Begun, OrderSaga } from './order-saga.ts';

export interface OrderRequest {
  items: { itemId: string; quantity: number }[];
}

export interface Placed {
  order: Order;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

/** Which window an Idempotency-Key holds for, and the clock it is measured with. */
export interface KeyPolicy {
  window: KeyWindow;
  clock: () => Date;
}

/**
 * The customer places an order: priced through catalog, stored PENDING with its saga (owing a
 * charge) and the events in one transaction; then the saga is told, so the customer gets 202 at
 * once and the charge happens behind it ("payment being confirmed").
 */
export class PlaceOrder {
  constructor(
    private readonly orders: OrderStore,
    private readonly saga: OrderSaga,
    private readonly unitOfWork: UnitOfWork,
    private readonly catalog: ApiClient<CatalogApi>,
    private readonly keys: KeyPolicy,
  ) {}

  async run(customerId: string, request: OrderRequest, idempotencyKey?: string): Promise<Outcome<Placed>> {
    const now = this.keys.clock();
    const requestHash = idempotencyKey ? hashRequest(request) : undefined;
    let expiredKey = false;
    if (idempotencyKey) {
      const earlier = await this.replay(customerId, idempotencyKey, requestHash!, now);
      if (earlier === 'expired') expiredKey = true;
      else if (earlier) return earlier;
    }
    const priced = await this.price(request);
    if (!priced.ok) return priced;
    const order = placeOrder({ id: uuidv7(), customerId, items: priced.lines, at: now.toISOString() });
    let begun: Begun;
    try {
      begun = await this.unitOfWork(async (tx, publish) => {
        // The key's old order keeps its data; only the key moves on to the new one.
        if (expiredKey) await this.orders.with(tx).releaseExpiredKey(customerId, idempotencyKey!, this.keys.window.cutoff(now));
        // One round trip for both; if the order insert fails, its error is the one thrown.
        const [, saga] = await together(
          this.orders.with(tx).insert(order, idempotencyKey ? { key: idempotencyKey, requestHash: requestHash! } : undefined),
          this.saga.begin(tx, order),
        );
        await announce(publish, order, ['PENDING']);
        return saga;
      });
    } catch (err) {
      // Two requests with the same key raced; the one that lost answers with the winner's order.
      if (err instanceof DuplicateIdempotencyKey) {
        const earlier = await this.replay(customerId, idempotencyKey!, requestHash!, now);
        if (earlier && earlier !== 'expired') return earlier;
      }
      throw err;
    }
    this.saga.placed(begun);
    return { ok: true, order, replayed: false };
  }

  /** The earlier answer for this key; `expired` when the key's window is over (its row not purged yet). */
  private async replay(customerId: string, key: string, requestHash: string, now: Date): Promise<Outcome<Placed> | 'expired' | undefined> {
    const earlier = await this.orders.byIdempotencyKey(customerId, key);
    if (!earlier) return undefined;
    if (!this.keys.window.holds(earlier.order.createdAt, now)) return 'expired';
    if (earlier.requestHash !== requestHash) return refused({ code: 'idempotency-key-reused' });
    return { ok: true, order: earlier.order, replayed: true };
  }

  private async price(request: OrderRequest): Promise<Outcome<{ lines: OrderLine[] }>> {
    const ids = [...new Set(request.items.map((l) => l.itemId))];
    const known = new Map((await this.catalog.getItems({ ids })).map((i) => [i.id, i]));
    const lines: OrderLine[] = [];
    for (const line of request.items) {
      const item = known.get(line.itemId);
      if (!item) return refused({ code: 'item-not-found', itemId: line.itemId });
      if (!item.available) return refused({ code: 'item-unavailable', name: item.name });
      lines.push({ itemId: item.id, name: item.name, quantity: line.quantity, unitPriceCents: item.priceCents });
    }
    return { ok: true, lines };
  }
}

/** The same items in the same order hash the same; anything else is another request. */
export function hashRequest(request: OrderRequest): string {
  const canonical = JSON.stringify(request.items.map((l) => [l.itemId.toLowerCase(), l.quantity]));
  return createHash('sha256').update(canonical).digest('hex');
}
