import { inArray, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { ModuleDefinition } from '../module.ts';
import type { EventBus } from './event-bus.ts';

export interface RebuildResult {
  /** Retained events read from history for the module's subscriptions. */
  events: number;
  handled: number;
  duplicates: number;
  /** Deliveries whose handler failed; each is now a dead letter that can be replayed. */
  failed: number;
}

/**
 * Rebuilds a projection module from event history: empties its read-model tables and its
 * inbox, then replays every retained event its subscriptions handle, oldest first, through the
 * bus's own deliverer (inbox rules, dead letters and all). Every table of the module except the
 * outbox counts as read model unless `tables` says otherwise, so use it only for modules whose
 * state is derived from events. Live deliveries may interleave safely only if the module's
 * handlers commute (as storefront's do); otherwise run it while the app is quiet.
 */
export async function rebuildProjection(
  kernel: { bus: EventBus; db: Database; logger: Logger },
  definition: ModuleDefinition,
  options: { tables?: readonly PgTable[] } = {},
): Promise<RebuildResult> {
  const subscriptions = kernel.bus.subscriptionsOf(definition.name);
  if (subscriptions.length === 0) throw new Error(`Module ${definition.name} has no subscriptions in this process; nothing to rebuild from`);
  const { outbox, inbox } = definition.tables;
  const all: unknown[] = Object.values(definition.tables);
  const tables = options.tables ?? all.filter((t): t is PgTable => is(t, PgTable) && t !== outbox && t !== inbox);
  const db = kernel.db.forModule(definition.name);

  await db.transaction(async (tx) => {
    if (tables.length > 0) await tx.execute(sql`truncate table ${sql.join(tables.map((t) => sql`${t}`), sql`, `)}`);
    await tx.delete(inbox).where(inArray(inbox.subscription, subscriptions.map((s) => s.name)));
  });

  const history = await kernel.bus.history([...new Set(subscriptions.map((s) => s.type))]);
  const result: RebuildResult = { events: history.length, handled: 0, duplicates: 0, failed: 0 };
  for (const envelope of history) {
    for (const sub of subscriptions) {
      if (sub.type !== envelope.type) continue;
      try {
        const { outcome } = await kernel.bus.deliver(sub.name, envelope, 1, true);
        result[outcome === 'handled' ? 'handled' : 'duplicates']++;
      } catch {
        // The deliverer recorded a dead letter and logged the error; keep rebuilding the rest.
        result.failed++;
      }
    }
  }
  kernel.logger.info({ module: definition.name, ...result }, 'projection rebuilt from event history');
  return result;
}
