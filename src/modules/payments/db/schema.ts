import { sql } from 'drizzle-orm';
import { bigserial, check, integer, jsonb, pgSchema, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
 * - `voided` (an order closed before it was charged) is the one event that moves no money.
 */
export const walletEvents = payments.table(
  'wallet_events',
  {
    /** Global append order, handy for reading the store as a whole. */
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    streamId: uuid('stream_id').notNull(),
    version: integer('version').notNull(),
    type: text('type', { enum: ['deposited', 'charged', 'refunded', 'voided'] }).notNull(),
    amountCents: integer('amount_cents').notNull(),
    orderId: uuid('order_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    unique('wallet_events_stream_version_key').on(t.streamId, t.version),
    uniqueIndex('wallet_events_order_key').on(t.streamId, t.type, t.orderId).where(sql`order_id is not null`),
    check('wallet_events_amount_shape', sql`case when type = 'voided' then amount_cents = 0 else amount_cents > 0 end`),
    check('wallet_events_version_positive', sql`version > 0`),
    check('wallet_events_order_shape', sql`(type = 'deposited') = (order_id is null)`),
  ],
);

/**
 * The latest snapshot of each wallet: its folded state at `version`, written in the same
 * transaction as the events that reached a snapshot point, so it never runs ahead of the stream.
 * `shape` says how `state` is laid out; a reader ignores shapes it does not know. Unlike the
 * events, a snapshot may be overwritten or deleted at will: it is only a cache of the fold.
 */
export const walletSnapshots = payments.table(
  'wallet_snapshots',
  {
    streamId: uuid('stream_id').primaryKey(),
    version: integer('version').notNull(),
    shape: integer('shape').notNull(),
    state: jsonb('state').notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [check('wallet_snapshots_version_positive', sql`version > 0`)],
);
