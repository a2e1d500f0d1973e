import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../../../shared/index.ts';
import type { CompletedOrder } from '../domain/review.ts';
import { completedOrders, postedReviews } from './schema.ts';

export interface StoredReview {
  id: string;
  orderId: string;
  itemId: string;
  customerId: string;
  rating: number;
  text: string;
  createdAt: string;
}

export class ReviewStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): ReviewStore {
    return new ReviewStore(tx);
  }

  /** Redelivery of the same completion is harmless: the first copy wins. */
  async rememberCompleted(order: CompletedOrder & { completedAt: string }): Promise<void> {
    await this.db.insert(completedOrders).values(order).onConflictDoNothing();
  }

  async completedOrder(orderId: string): Promise<CompletedOrder | undefined> {
    const [row] = await this.db
      .select({ orderId: completedOrders.orderId, customerId: completedOrders.customerId, items: completedOrders.items })
      .from(completedOrders)
      .where(eq(completedOrders.orderId, orderId));
    return row;
  }

  /** False when that order line already has a review. */
  async insert(review: Omit<StoredReview, 'createdAt'>): Promise<StoredReview | undefined> {
    const [row] = await this.db.insert(postedReviews).values(review).onConflictDoNothing().returning();
    return row ? toReview(row) : undefined;
  }

  async byItem(itemId: string | undefined, limit: number): Promise<StoredReview[]> {
    const q = this.db.select().from(postedReviews);
    const rows = await (itemId ? q.where(eq(postedReviews.itemId, itemId)) : q).orderBy(desc(postedReviews.createdAt), desc(postedReviews.id)).limit(limit);
    return rows.map(toReview);
  }
}

function toReview(row: typeof postedReviews.$inferSelect): StoredReview {
  return { ...row, createdAt: new Date(row.createdAt).toISOString() };
}
