import { sql } from 'drizzle-orm';
import { query } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Envelope } from './contract.ts';
import { byId, ENVELOPE_COLUMNS, envelopeFromRow, type EnvelopeRow } from './envelope.ts';
import type { Registry } from './registry.ts';

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The event history is the outbox itself: dispatched rows stay for `retentionHours`, which is
 * what lets a projection be rebuilt without a separate event store.
 */
export class History {
  private pruneTimer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly registry: Registry,
    private readonly retentionHours: number,
    private readonly logger: Logger,
  ) {}

  /** Events of the given types, oldest first, from every module's outbox, dispatched or not. */
  async read(types: readonly string[]): Promise<Envelope[]> {
    const out: Envelope[] = [];
    for (const m of this.registry.modules()) {
      const wanted = types.filter((t) => m.publishes.has(t));
      if (wanted.length === 0) continue;
      const rows = await query<EnvelopeRow>(
        m.db,
        sql`select ${ENVELOPE_COLUMNS} from ${m.tables.outbox}
            where type in (${sql.join(wanted.map((t) => sql`${t}`), sql`, `)}) order by id`,
      );
      for (const r of rows) out.push(envelopeFromRow(r));
    }
    return out.sort(byId);
  }

  async startPruning(): Promise<void> {
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref?.();
  }

  stopPruning(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
  }

  private async prune(): Promise<void> {
    for (const m of this.registry.publishers()) {
      try {
        await m.db.execute(
          sql`delete from ${m.tables.outbox} where dispatched_at is not null and dispatched_at < now() - make_interval(hours => ${this.retentionHours})`,
        );
      } catch (err) {
        // Pruning is housekeeping: a failed round leaves more history, never less.
        this.logger.warn({ err, module: m.module }, 'could not prune event history');
      }
    }
  }
}
