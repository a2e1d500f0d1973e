import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../../shared/db/database.ts';
import type { Order, OrderReason, OrderStatus } from '../domain/order.ts';
import { orders } from './schema.ts';

const columns = {
  id: orders.id,
  customerId: orders.customerId,
  status: orders.status,
  reason: orders.reason,
  totalCents: orders.totalCents,
  items: orders.items,
  history: orders.history,
  createdAt: orders.createdAt,
  requestHash: orders.requestHash,
};

type Row = { [K in keyof typeof columns]: unknown };

function toOrder(r: Row): Order {
  return {
    id: r.id as string,
    customerId: r.customerId as string,
    status: r.status as OrderStatus,
    reason: (r.reason as OrderReason | null) ?? null,
    totalCents: r.totalCents as number,
    items: r.items as Order['items'],
    history: r.history as Order['history'],
    createdAt: new Date(r.createdAt as string).toISOString(),
  };
}

/** Thrown when an Idempotency-Key is taken by a concurrent request of the same customer. */
export class DuplicateIdempotencyKey extends Error {}

export class OrderStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): OrderStore {
    return new OrderStore(tx);
  }

  async byId(id: string, lock = false): Promise<Order | undefined> {
    const q = this.db.select(columns).from(orders).where(eq(orders.id, id));
    const [row] = lock ? await q.for('update') : await q;
    return row ? toOrder(row) : undefined;
  }

  async byIdempotencyKey(customerId: string, key: string): Promise<{ order: Order; requestHash: string } | undefined> {
    const [row] = await this.db
      .select(columns)
      .from(orders)
      .where(and(eq(orders.customerId, customerId), eq(orders.idempotencyKey, key)));
    return row ? { order: toOrder(row), requestHash: row.requestHash as string } : undefined;
  }

  /** The customer's orders, newest first (ids are UUIDv7, so they sort by creation too). */
  async ofCustomer(customerId: string, limit = 200): Promise<Order[]> {
    const rows = await this.db.select(columns).from(orders).where(eq(orders.customerId, customerId)).orderBy(desc(orders.createdAt), desc(orders.id)).limit(limit);
    return rows.map(toOrder);
  }

  async insert(order: Order, idempotency?: { key: string; requestHash: string }): Promise<void> {
    try {
      await this.db.insert(orders).values({
        id: order.id,
        customerId: order.customerId,
        status: order.status,
        reason: order.reason,
        totalCents: order.totalCents,
        items: [...order.items],
        history: [...order.history],
        idempotencyKey: idempotency?.key ?? null,
        requestHash: idempotency?.requestHash ?? null,
        createdAt: order.createdAt,
      });
    } catch (err) {
      if (idempotency && isUniqueViolation(err)) throw new DuplicateIdempotencyKey();
      throw err;
    }
  }

  /** Stores the aggregate's new status; callers hold the row lock taken by `byId(id, true)`. */
  async save(order: Order): Promise<void> {
    await this.db
      .update(orders)
      .set({ status: order.status, reason: order.reason, history: [...order.history], updatedAt: sql`now()` })
      .where(eq(orders.id, order.id));
  }
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23505') return true;
  }
  return false;
}
