import { and, asc, desc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../../../shared/index.ts';
import type { CatalogItemDto } from '../../catalog/index.ts';
import { itemRatings, menuItems, orderHistory, pendingRefresh } from './schema.ts';

export interface MenuRow {
  id: string;
  name: string;
  priceCents: number;
  available: boolean;
  version: number;
  ratingSum: number;
  reviewCount: number;
}

export interface OrderLineView {
  itemId: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderHistoryRow {
  orderId: string;
  customerId: string;
  status: string;
  reason: string | null;
  statusAt: string;
  totalCents: number;
  items: OrderLineView[];
  placedAt: string;
}

/** storefront's storage: every write is idempotent or commutative, so delivery order does not matter. */
export class ViewsStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): ViewsStore {
    return new ViewsStore(tx);
  }

  /** Upserts the snapshot only when it is newer than the stored one; true when it changed. */
  async saveSnapshot(item: Pick<CatalogItemDto, 'id' | 'name' | 'priceCents' | 'available' | 'version'>): Promise<boolean> {
    const rows = await this.db
      .insert(menuItems)
      .values({ id: item.id, name: item.name, priceCents: item.priceCents, available: item.available, version: item.version })
      .onConflictDoUpdate({
        target: menuItems.id,
        set: { name: item.name, priceCents: item.priceCents, available: item.available, version: item.version, refreshedAt: sql`now()` },
        setWhere: sql`${menuItems.version} < ${item.version}`,
      })
      .returning({ id: menuItems.id });
    return rows.length > 0;
  }

  async forgetItem(itemId: string): Promise<void> {
    await this.db.delete(menuItems).where(eq(menuItems.id, itemId));
  }

  async addRating(itemId: string, rating: number): Promise<void> {
    await this.db
      .insert(itemRatings)
      .values({ itemId, ratingSum: rating, reviewCount: 1 })
      .onConflictDoUpdate({
        target: itemRatings.itemId,
        set: { ratingSum: sql`${itemRatings.ratingSum} + ${rating}`, reviewCount: sql`${itemRatings.reviewCount} + 1` },
      });
  }

  async menu(): Promise<MenuRow[]> {
    return this.db
      .select({
        id: menuItems.id,
        name: menuItems.name,
        priceCents: menuItems.priceCents,
        available: menuItems.available,
        version: menuItems.version,
        ratingSum: sql<number>`coalesce(${itemRatings.ratingSum}, 0)::int`,
        reviewCount: sql<number>`coalesce(${itemRatings.reviewCount}, 0)::int`,
      })
      .from(menuItems)
      .leftJoin(itemRatings, eq(itemRatings.itemId, menuItems.id))
      .orderBy(asc(menuItems.name), asc(menuItems.id));
  }

  async orderPlaced(o: { orderId: string; customerId: string; totalCents: number; items: OrderLineView[]; placedAt: string }): Promise<void> {
    await this.db
      .insert(orderHistory)
      .values({ ...o, status: 'PENDING', reason: null, statusAt: o.placedAt, statusRank: 0 })
      .onConflictDoUpdate({ target: orderHistory.orderId, set: { totalCents: o.totalCents, items: o.items, placedAt: o.placedAt } });
  }

  /** Last writer wins on (lifecycle rank, time): an older status never overwrites a newer one. */
  async statusChanged(s: { orderId: string; customerId: string; status: string; reason: string | null; at: string; rank: number }): Promise<void> {
    await this.db
      .insert(orderHistory)
      .values({ orderId: s.orderId, customerId: s.customerId, status: s.status, reason: s.reason, statusAt: s.at, statusRank: s.rank })
      .onConflictDoUpdate({
        target: orderHistory.orderId,
        set: { status: s.status, reason: s.reason, statusAt: s.at, statusRank: s.rank },
        setWhere: sql`(${orderHistory.statusRank}, ${orderHistory.statusAt}) < (${s.rank}, ${s.at}::timestamptz)`,
      });
  }

  /** Only orders whose placement has arrived: a bare status has no lines or total to show. */
  async ordersOf(customerId: string): Promise<OrderHistoryRow[]> {
    const rows = await this.db
      .select()
      .from(orderHistory)
      .where(and(eq(orderHistory.customerId, customerId), isNotNull(orderHistory.placedAt)))
      .orderBy(desc(orderHistory.placedAt), desc(orderHistory.orderId));
    return rows.map((r) => ({
      orderId: r.orderId,
      customerId: r.customerId,
      status: r.status,
      reason: r.reason,
      statusAt: new Date(r.statusAt).toISOString(),
      totalCents: r.totalCents!,
      items: r.items!,
      placedAt: new Date(r.placedAt!).toISOString(),
    }));
  }

  async markPending(itemId: string, error: string, at: string): Promise<void> {
    await this.db
      .insert(pendingRefresh)
      .values({ itemId, lastError: error, since: at, updatedAt: at })
      .onConflictDoUpdate({
        target: pendingRefresh.itemId,
        set: { attempts: sql`${pendingRefresh.attempts} + 1`, lastError: error, updatedAt: at },
      });
  }

  /** Clears the marker unless a failure newer than `fetchedFrom` was recorded meanwhile. */
  async clearPending(itemId: string, fetchedFrom: string): Promise<void> {
    await this.db.delete(pendingRefresh).where(and(eq(pendingRefresh.itemId, itemId), lte(pendingRefresh.updatedAt, fetchedFrom)));
  }

  async pending(limit: number): Promise<string[]> {
    const rows = await this.db.select({ itemId: pendingRefresh.itemId }).from(pendingRefresh).orderBy(asc(pendingRefresh.updatedAt)).limit(limit);
    return rows.map((r) => r.itemId);
  }

  async pendingSummary(): Promise<{ count: number; oldest: string | null }> {
    const [row] = await this.db.select({ count: sql<number>`count(*)::int`, oldest: sql<string | null>`min(${pendingRefresh.since})` }).from(pendingRefresh);
    return { count: Number(row?.count ?? 0), oldest: row?.oldest ? new Date(row.oldest).toISOString() : null };
  }
}
