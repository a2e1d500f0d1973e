import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { busTables } from '../../../shared/index.ts';
import type { OrderLine, StatusEntry } from '../domain/order.ts';

export const ordering = pgSchema('ordering');
export const { outbox, inbox } = busTables(ordering);

export const orders = ordering.table(
  'orders',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    status: text('status').notNull(),
    reason: text('reason'),
    totalCents: integer('total_cents').notNull(),
    items: jsonb('items').$type<OrderLine[]>().notNull(),
    history: jsonb('history').$type<StatusEntry[]>().notNull(),
    /**
     * The client's Idempotency-Key and a hash of the body it came with: a retry finds its order.
     * Both are cleared once the key's window is over (the order itself stays).
     */
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('orders_idempotency_key_idx').on(t.customerId, t.idempotencyKey).where(sql`idempotency_key is not null`),
    index('orders_customer_idx').on(t.customerId, t.createdAt),
    // The purge of expired Idempotency-Keys looks only at orders that still hold one.
    index('orders_idempotency_expiry_idx').on(t.createdAt).where(sql`idempotency_key is not null`),
  ],
);

/**
 * The saga's own state, one row per order: which step is owed next (`charge` or the compensating
 * `refund`), when it is due, and who is running it right now (a lease, so several processes can
 * share the work and a crashed one's step is picked up again once its lease runs out).
 */
export const sagas = ordering.table(
  'sagas',
  {
    orderId: uuid('order_id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    /** `charge` | `refund`; null when nothing is owed. */
    step: text('step'),
    /** The reason the order gets CANCELLED with once the refund succeeded; null: the order is already settled. */
    compensationReason: text('compensation_reason'),
    /** Payments answered `charged` for this order at least once. */
    charged: boolean('charged').notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'string' }).notNull(),
    claimToken: uuid('claim_token'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true, mode: 'string' }),
    lastError: text('last_error'),
    /** The trace and correlation of what made the step owed, so the step continues them when it runs. */
    traceparent: text('traceparent'),
    correlationId: text('correlation_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('sagas_due_idx').on(t.dueAt).where(sql`step is not null`)],
);
