import { and, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../../shared/index.ts';
import { once } from './prepared.ts';
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
    const [row] = await once(lock ? q.for('update') : q);
    return row ? toOrder(row) : undefined;
  }

  /** Several orders at once; with `lock`, their rows are locked in id order (the same order for every caller). */
  async byIds(ids: readonly string[], lock = false): Promise<Map<string, Order>> {
    if (ids.length === 0) return new Map();
    const q = this.db.select(columns).from(orders).where(inArray(orders.id, [...ids])).orderBy(orders.id);
    const rows = await once(lock ? q.for('update') : q);
    return new Map(rows.map((r) => [r.id as string, toOrder(r)]));
  }

  /** Built once per store: every placement with an Idempotency-Key runs it, so it is not rebuilt each time. */
  private readonly idempotencyLookup = lazy(() =>
    this.db
      .select(columns)
      .from(orders)
      .where(and(eq(orders.customerId, sql.placeholder('customerId')), eq(orders.idempotencyKey, sql.placeholder('key'))))
      .prepare('ordering_order_by_idempotency_key'),
  );

  async byIdempotencyKey(customerId: string, key: string): Promise<{ order: Order; requestHash: string } | undefined> {
    const [row] = await this.idempotencyLookup().execute({ customerId, key });
    return row ? { order: toOrder(row), requestHash: row.requestHash as string } : undefined;
  }

  /**
   * Frees the customer's key if its order was placed before `cutoff` (its window is over), so a
   * new order may take it; in the placing transaction, right before the insert. A key still in
   * its window is left alone: the insert then collides with it, as before.
   */
  async releaseExpiredKey(customerId: string, key: string, cutoff: Date): Promise<void> {
    await this.db
      .update(orders)
      .set({ idempotencyKey: null, requestHash: null })
      .where(and(eq(orders.customerId, customerId), eq(orders.idempotencyKey, key), lt(orders.createdAt, cutoff.toISOString())));
  }

  /** Frees up to `batch` keys of orders placed before `cutoff`; answers how many it freed. The orders stay. */
  async releaseExpiredKeys(cutoff: Date, batch: number): Promise<number> {
    const expired = this.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(isNotNull(orders.idempotencyKey), lt(orders.createdAt, cutoff.toISOString())))
      .limit(batch);
    const freed = await this.db
      .update(orders)
      .set({ idempotencyKey: null, requestHash: null })
      // Checked again on the row itself: the subquery's rows are not locked.
      .where(and(inArray(orders.id, expired), isNotNull(orders.idempotencyKey), lt(orders.createdAt, cutoff.toISOString())))
      .returning({ id: orders.id });
    return freed.length;
  }

  /** The customer's orders, newest first (ids are UUIDv7, so they sort by creation too). */
  async ofCustomer(customerId: string, limit = 200): Promise<Order[]> {
    const rows = await this.db.select(columns).from(orders).where(eq(orders.customerId, customerId)).orderBy(desc(orders.createdAt), desc(orders.id)).limit(limit);
    return rows.map(toOrder);
  }

  async insert(order: Order, idempotency?: { key: string; requestHash: string }): Promise<void> {
    try {
      await once(this.db.insert(orders).values({
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
      }));
    } catch (err) {
      if (idempotency && isUniqueViolation(err)) throw new DuplicateIdempotencyKey();
      throw err;
    }
  }

  /** Stores the aggregate's new status; callers hold the row lock taken by `byId(id, true)`. */
  async save(order: Order): Promise<void> {
    await once(
      this.db
        .update(orders)
        .set({ status: order.status, reason: order.reason, history: [...order.history], updatedAt: sql`now()` })
        .where(eq(orders.id, order.id)),
    );
  }

  /** `save` for many orders in one statement; callers hold their row locks. */
  async saveAll(changed: readonly Order[]): Promise<void> {
    if (changed.length === 0) return;
    if (changed.length === 1) return this.save(changed[0]!);
    const rows = JSON.stringify(changed.map((o) => ({ id: o.id, status: o.status, reason: o.reason, history: o.history })));
    await this.db.execute(
      sql`update ${orders} as o set status = v.status, reason = v.reason, history = v.history, updated_at = now()
          from jsonb_to_recordset(${rows}::jsonb) as v(id uuid, status text, reason text, history jsonb)
          where o.id = v.id`,
    );
  }
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23505') return true;
  }
  return false;
}
