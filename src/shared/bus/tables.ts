import { sql } from 'drizzle-orm';
import { index, integer, jsonb, primaryKey, text, timestamp, uuid, type PgSchema } from 'drizzle-orm/pg-core';

/**
 * The outbox and inbox every module keeps in its own schema. A module's `db/schema.ts` spreads
 * these in so drizzle-kit emits them into that module's migrations.
 *
 * outbox: written in the same transaction as the state change; the relay marks rows dispatched
 *   and keeps them for EVENT_RETENTION_HOURS as the event history projections rebuild from.
 * inbox: one row per (event, subscription) once handled ('done') or given up on ('dead'); the
 *   'done' row commits with the handler's effects, so a redelivery is a no-op.
 */
export function busTables(schema: PgSchema) {
  const outbox = schema.table(
    'outbox',
    {
      id: uuid('id').primaryKey(),
      type: text('type').notNull(),
      version: integer('version').notNull(),
      occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'string' }).notNull(),
      source: text('source').notNull(),
      correlationId: text('correlation_id').notNull(),
      causationId: text('causation_id'),
      traceparent: text('traceparent'),
      payload: jsonb('payload').notNull(),
      claimedUntil: timestamp('claimed_until', { withTimezone: true, mode: 'string' }),
      dispatchedAt: timestamp('dispatched_at', { withTimezone: true, mode: 'string' }),
    },
    (t) => [
      index('outbox_pending_idx').on(t.id).where(sql`dispatched_at is null`),
      index('outbox_history_idx').on(t.type, t.id),
    ],
  );
  const inbox = schema.table(
    'inbox',
    {
      eventId: uuid('event_id').notNull(),
      subscription: text('subscription').notNull(),
      status: text('status', { enum: ['done', 'dead'] }).notNull(),
      attempts: integer('attempts').notNull().default(1),
      lastError: text('last_error'),
      envelope: jsonb('envelope'),
      updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    },
    (t) => [primaryKey({ columns: [t.eventId, t.subscription] }), index('inbox_dead_idx').on(t.status).where(sql`status = 'dead'`)],
  );
  return { outbox, inbox };
}

export type BusTables = ReturnType<typeof busTables>;
