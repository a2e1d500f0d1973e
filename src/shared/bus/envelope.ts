import { sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { currentContext } from '../context.ts';
import { currentTraceparent } from '../telemetry/trace-context.ts';
import type { Envelope, EventContract, PayloadOf } from './contract.ts';
import type { BusTables } from './tables.ts';

/**
 * The one place an envelope meets its storage. The relay, the history and the dead letters all
 * read envelopes back, and they must agree on every field or a replayed event would differ from
 * the one first delivered.
 */

/** The outbox columns an envelope is rebuilt from; select or return exactly these. */
export const ENVELOPE_COLUMNS = sql.raw('id, type, version, occurred_at, source, correlation_id, causation_id, traceparent, payload');

/** An outbox row as raw SQL hands it back (`ENVELOPE_COLUMNS`). */
export interface EnvelopeRow {
  id: string;
  type: string;
  version: number;
  occurred_at: string | Date;
  source: string;
  correlation_id: string;
  causation_id: string | null;
  traceparent: string | null;
  payload: unknown;
}

export type OutboxInsert = BusTables['outbox']['$inferInsert'];

/** A new envelope for `payload`, inheriting correlation, causation and trace from the current context. */
export function newEnvelope<E extends EventContract>(event: E, payload: PayloadOf<E>, source: string): Envelope<PayloadOf<E>> {
  const ctx = currentContext();
  return {
    id: uuidv7(),
    type: event.type,
    version: event.version,
    occurredAt: new Date().toISOString(),
    source,
    correlationId: ctx?.correlationId ?? uuidv7(),
    causationId: ctx?.causationId ?? null,
    // The span the event was published under: handlers of it become its children (ADR 14).
    traceparent: currentTraceparent() ?? null,
    payload,
  };
}

/** What a handler runs under: its event's correlation, with the event itself as the cause. */
export function handlerContext(envelope: Envelope) {
  return { correlationId: envelope.correlationId, causationId: envelope.id, traceparent: envelope.traceparent ?? undefined };
}

export function outboxRowOf(envelope: Envelope): OutboxInsert {
  return {
    id: envelope.id,
    type: envelope.type,
    version: envelope.version,
    occurredAt: envelope.occurredAt,
    source: envelope.source,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId,
    traceparent: envelope.traceparent,
    payload: envelope.payload as object,
  };
}

export function envelopeFromRow(row: EnvelopeRow): Envelope {
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    // Drivers hand timestamps back as Date or as text; the envelope always carries ISO 8601.
    occurredAt: new Date(row.occurred_at).toISOString(),
    source: row.source,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    traceparent: row.traceparent,
    payload: fromJsonb(row.payload),
  };
}

/** The copy of an envelope a dead letter keeps in the inbox's jsonb column. */
export function envelopeToJson(envelope: Envelope): string {
  return JSON.stringify(envelope);
}

export function envelopeFromJson(value: unknown): Envelope {
  return fromJsonb(value) as Envelope;
}

/** Not every driver parses jsonb that comes back from raw SQL. */
function fromJsonb(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Oldest first: ids are UUIDv7, so their text order is their time order. */
export function byId(a: Envelope, b: Envelope): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A uuid[] as ONE text parameter: building and sending a parameter per id costs more than the
 * statement itself once batches reach hundreds of rows.
 */
export function uuidList(ids: readonly string[]): SQL {
  return sql`string_to_array(${ids.join(',')}, ',')::uuid[]`;
}
