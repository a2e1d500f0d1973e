import { sql } from 'drizzle-orm';
import { index, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { busTables } from '../../../shared/index.ts';
import type { TicketLine } from '../domain/ticket.ts';

export const fulfillment = pgSchema('fulfillment');
export const { outbox, inbox } = busTables(fulfillment);

/**
 * One ticket per order. A withdrawal that arrives before the order was paid leaves a tombstone:
 * a WITHDRAWN row that was never opened (`opened_at` null). The unique order id makes the
 * tombstone and a late `order-paid` meet on the same row, so exactly one of them wins.
 */
export const tickets = fulfillment.table(
  'tickets',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id').notNull(),
    status: text('status').notNull(),
    items: jsonb('items').$type<TicketLine[]>().notNull(),
    reason: text('reason'),
    openedAt: timestamp('opened_at', { withTimezone: true, mode: 'string' }),
    /** The order's trace and correlation: the barista's steps continue them (one trace per order). */
    traceparent: text('traceparent'),
    correlationId: text('correlation_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tickets_order_idx').on(t.orderId), index('tickets_status_idx').on(t.status, t.openedAt).where(sql`opened_at is not null`)],
);
