import { index, integer, jsonb, pgSchema, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { busTables } from '../../../shared/index.ts';

export const reviews = pgSchema('reviews');
export const { outbox, inbox } = busTables(reviews);

/**
 * reviews' own copy of completed orders, fed by `ordering.order-completed`: enough to decide
 * whether a customer may review an item, without ever asking ordering.
 */
export const completedOrders = reviews.table('completed_orders', {
  orderId: uuid('order_id').primaryKey(),
  customerId: uuid('customer_id').notNull(),
  /** The order's lines as `{ itemId, name }`; quantities and prices do not matter here. */
  items: jsonb('items').$type<{ itemId: string; name: string }[]>().notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true, mode: 'string' }).notNull(),
});

export const postedReviews = reviews.table(
  'reviews',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    itemId: uuid('item_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    rating: integer('rating').notNull(),
    text: text('text').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  // One review per order line: the database, not a read-then-write check, settles races.
  (t) => [unique('reviews_order_item_unique').on(t.orderId, t.itemId), index('reviews_item_idx').on(t.itemId, t.createdAt)],
);
