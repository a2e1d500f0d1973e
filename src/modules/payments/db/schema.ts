import { sql } from 'drizzle-orm';
import { bigserial, check, integer, pgSchema, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { busTables } from '../../../shared/index.ts';

export const payments = pgSchema('payments');
export const { outbox, inbox } = busTables(payments);

/**
 * The wallets' event store: append-only, one stream per customer. Rows are never updated or
 * deleted; a wallet's balance is the fold of its stream.
 *
 * - (stream_id, version) is unique: two writers that read the same version and append after it
 *   collide here, and the loser re-reads and decides again (optimistic concurrency).
 * - (stream_id, type, order_id) is unique for order events: a second charge or refund of one
 *   order cannot be stored even if the rules above were ever bypassed.
 */
export const walletEvents = payments.table(
  'wallet_events',
  {
    /** Global append order, handy for reading the store as a whole. */
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    streamId: uuid('stream_id').notNull(),
    version: integer('version').notNull(),
    type: text('type', { enum: ['deposited', 'charged', 'refunded'] }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    orderId: uuid('order_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('wallet_events_stream_version_key').on(t.streamId, t.version),
    uniqueIndex('wallet_events_order_key').on(t.streamId, t.type, t.orderId).where(sql`order_id is not null`),
    check('wallet_events_amount_positive', sql`amount_cents > 0`),
    check('wallet_events_version_positive', sql`version > 0`),
    check('wallet_events_order_shape', sql`(type = 'deposited') = (order_id is null)`),
  ],
);
