import { boolean, index, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { busTables } from '../../../shared/index.ts';

/**
 * storefront's read models. Every row here is derived from events (and catalog's answers to
 * zero-payload events), so the whole schema can be dropped and rebuilt from event history.
 */
export const storefront = pgSchema('storefront');
export const { outbox, inbox } = busTables(storefront);

/** The latest catalog snapshot of each item; `version` guards against older answers. */
export const menuItems = storefront.table('menu_items', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  priceCents: integer('price_cents').notNull(),
  available: boolean('available').notNull(),
  version: integer('version').notNull(),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});

/**
 * Ratings kept apart from the snapshot: a review may arrive before the item's first snapshot,
 * and sum + count make each review a commutative increment.
 */
export const itemRatings = storefront.table('item_ratings', {
  itemId: uuid('item_id').primaryKey(),
  ratingSum: integer('rating_sum').notNull(),
  reviewCount: integer('review_count').notNull(),
});

/**
 * A customer's order history. Placement and status changes may arrive in any order, so the
 * placement columns are nullable until OrderPlaced lands, and the status is last-writer-wins on
 * (statusAt, rank of the status in the order's lifecycle).
 */
export const orderHistory = storefront.table(
  'order_history',
  {
    orderId: uuid('order_id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    statusAt: timestamp('status_at', { withTimezone: true, mode: 'string' }).notNull(),
    statusRank: integer('status_rank').notNull(),
    totalCents: integer('total_cents'),
    items: jsonb('items').$type<{ itemId: string; name: string; quantity: number; unitPriceCents: number }[]>(),
    placedAt: timestamp('placed_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [index('order_history_customer_idx').on(t.customerId, t.placedAt)],
);

/** Items whose re-read from catalog failed: a periodic job retries them until one succeeds. */
export const pendingRefresh = storefront.table('pending_refresh', {
  itemId: uuid('item_id').primaryKey(),
  attempts: integer('attempts').notNull().default(1),
  lastError: text('last_error'),
  since: timestamp('since', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
