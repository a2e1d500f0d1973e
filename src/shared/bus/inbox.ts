import { sql } from 'drizzle-orm';
import { query, type Tx } from '../db/database.ts';
import type { Envelope } from './contract.ts';
import { envelopeFromJson, envelopeToJson, uuidList } from './envelope.ts';
import type { ModuleBus, SubscriptionRuntime } from './registry.ts';

/**
 * A subscription's inbox rows: 'done' commits with the handler's effects, which is what makes a
 * redelivery a no-op; 'dead' keeps the envelope of an event given up on, for replay.
 */

/** The inbox already had the event: another delivery committed first. */
export class DuplicateDelivery extends Error {}

export async function isHandled(runtime: SubscriptionRuntime, envelope: Envelope): Promise<boolean> {
  const rows = await query(
    runtime.module.db,
    sql`select 1 from ${runtime.module.tables.inbox} where event_id = ${envelope.id} and subscription = ${runtime.subscription.name} and status = 'done'`,
  );
  return rows.length > 0;
}

/** Event ids of these envelopes the subscription has handled already (one query). */
export async function handledAlready(runtime: SubscriptionRuntime, envelopes: readonly Envelope[]): Promise<Set<string>> {
  if (envelopes.length === 0) return new Set();
  const rows = await query<{ event_id: string }>(
    runtime.module.db,
    sql`select event_id from ${runtime.module.tables.inbox}
        where subscription = ${runtime.subscription.name} and status = 'done'
          and event_id = any(${uuidList(envelopes.map((e) => e.id))})`,
  );
  return new Set(rows.map((r) => r.event_id));
}

/**
 * Inserts 'done' rows inside the handler's transaction; returns the ids this transaction
 * claimed. An id missing from the answer was handled by a concurrent delivery, and the
 * conflicting insert waited for it, so the check cannot race.
 */
export async function claimInbox(tx: Tx, runtime: SubscriptionRuntime, envelopes: readonly Envelope[], attempt: number): Promise<Set<string>> {
  const rows = await query<{ event_id: string }>(
    tx,
    sql`insert into ${runtime.module.tables.inbox} as i (event_id, subscription, status, attempts, updated_at)
        select id, ${runtime.subscription.name}, 'done', ${attempt}::int, now() from unnest(${uuidList(envelopes.map((e) => e.id))}) as id
        on conflict (event_id, subscription) do update
          set status = 'done', attempts = excluded.attempts, last_error = null, envelope = null, updated_at = now()
          where i.status <> 'done'
        returning event_id`,
  );
  return new Set(rows.map((r) => r.event_id));
}

/** Never overwrites 'done': an event handled meanwhile (say, by a replay) is not dead. */
export async function markDead(runtime: SubscriptionRuntime, envelope: Envelope, attempts: number, lastError: string): Promise<void> {
  await runtime.module.db.execute(
    sql`insert into ${runtime.module.tables.inbox} as i (event_id, subscription, status, attempts, last_error, envelope, updated_at)
        values (${envelope.id}, ${runtime.subscription.name}, 'dead', ${attempts}, ${lastError}, ${envelopeToJson(envelope)}::jsonb, now())
        on conflict (event_id, subscription) do update
          set status = 'dead', attempts = excluded.attempts, last_error = excluded.last_error, envelope = excluded.envelope, updated_at = now()
          where i.status <> 'done'`,
  );
}

export interface DeadRow {
  eventId: string;
  subscription: string;
  attempts: number;
  lastError: string | null;
  failedAt: string;
  envelope: Envelope;
}

export async function deadRows(m: ModuleBus): Promise<DeadRow[]> {
  const rows = await query<{ event_id: string; subscription: string; attempts: number; last_error: string | null; updated_at: string | Date; envelope: unknown }>(
    m.db,
    sql`select event_id, subscription, attempts, last_error, updated_at, envelope from ${m.tables.inbox} where status = 'dead' order by updated_at`,
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    subscription: r.subscription,
    attempts: r.attempts,
    lastError: r.last_error,
    failedAt: new Date(r.updated_at).toISOString(),
    envelope: envelopeFromJson(r.envelope),
  }));
}

/** Dead letters per subscription of a module; every subscription it hosts appears, with 0 when it has none. */
export async function deadCounts(m: ModuleBus, subscriptions: readonly string[]): Promise<Record<string, number>> {
  const rows = await query<{ subscription: string; n: number | string }>(
    m.db,
    sql`select subscription, count(*) as n from ${m.tables.inbox} where status = 'dead' group by subscription`,
  );
  const out: Record<string, number> = Object.fromEntries(subscriptions.map((s) => [s, 0]));
  for (const r of rows) out[r.subscription] = Number(r.n);
  return out;
}
