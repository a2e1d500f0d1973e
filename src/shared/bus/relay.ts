import { sql } from 'drizzle-orm';
import { query } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Envelope } from './contract.ts';
import { byId, ENVELOPE_COLUMNS, envelopeFromRow, uuidList, type EnvelopeRow } from './envelope.ts';
import type { Observations } from './observations.ts';
import { NOTIFY_CHANNEL } from './outbox.ts';
import type { ModuleBus, Registry } from './registry.ts';
import { dispatchSpan } from './spans.ts';
import type { Transport } from './transport.ts';

export interface RelayOptions {
  pollMs: number;
  batchSize: number;
  leaseSeconds: number;
  /** The deployment's Postgres client for LISTEN/NOTIFY wake-ups; undefined on PGlite. */
  listen?: (channel: string, onNotify: (module: string) => void) => Promise<{ unlisten(): Promise<void> }>;
}

interface PendingMarks {
  dispatched: string[];
  released: string[];
  flush?: Promise<void>;
}

/**
 * Moves outbox rows to the transport, one loop per publishing module. Rows are claimed under a
 * lease rather than a lock held across the hand-over, so several processes can relay the same
 * outbox and a crashed one's rows come back once its lease runs out. A row is marked dispatched
 * only after the transport took it; anything in between is redelivered, and inboxes absorb it.
 *
 * Wake-ups come from this process's commits (`wake`), from other processes' commits through
 * LISTEN/NOTIFY on Postgres, and from polling every `pollMs` as the backstop for both.
 */
export class Relay {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly wakers = new Map<string, () => void>();
  /** Modules woken while their relay was busy claiming: the next wait returns at once. */
  private readonly missedWakes = new Set<string>();
  private readonly pendingMarks = new Map<string, PendingMarks>();
  private listener?: { unlisten(): Promise<void> };

  constructor(
    private readonly registry: Registry,
    private readonly transport: Transport,
    private readonly options: RelayOptions,
    private readonly observations: Observations,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async start(): Promise<void> {
    this.running = true;
    if (this.options.listen) {
      this.listener = await this.options.listen(NOTIFY_CHANNEL, (module) => this.wake(module));
    }
    for (const m of this.registry.publishers()) this.loops.push(this.loop(m));
  }

  /** Stops claiming. Hand-overs already started keep going until `drained`. */
  async halt(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers.values()) wake();
    await Promise.allSettled(this.loops);
    this.loops.length = 0;
    await this.listener?.unlisten().catch(() => {});
  }

  /** Waits for every hand-over and its mark, so none is cut off when the database closes. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  wake(module: string): void {
    const waker = this.wakers.get(module);
    if (waker) waker();
    else this.missedWakes.add(module);
  }

  /** Undispatched rows per publishing module. */
  async backlog(): Promise<Record<string, number>> {
    return Object.fromEntries(Object.entries(await this.lag()).map(([module, l]) => [module, l.undispatched]));
  }

  /** Per publishing module: undispatched rows and how long the oldest has waited (0 when none). */
  async lag(): Promise<Record<string, { undispatched: number; oldestAgeSeconds: number }>> {
    const out: Record<string, { undispatched: number; oldestAgeSeconds: number }> = {};
    for (const m of this.registry.publishers()) {
      const [row] = await query<{ n: number | string; age: number | string | null }>(
        m.db,
        sql`select count(*) as n, extract(epoch from now() - min(occurred_at)) as age from ${m.tables.outbox} where dispatched_at is null`,
      );
      out[m.module] = { undispatched: Number(row?.n ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)) };
    }
    return out;
  }

  private async loop(m: ModuleBus): Promise<void> {
    // Back-pressure: a transport slower than the outbox fills up must not be handed unbounded work.
    const maxInflight = this.options.batchSize * 4;
    while (this.running) {
      try {
        if (this.inflight.size >= maxInflight) {
          await Promise.race(this.inflight);
          continue;
        }
        const envelopes = await this.claim(m);
        if (envelopes.length === 0) {
          await this.waitForWake(m.module);
          continue;
        }
        this.metrics.outboxClaimed.inc({ module: m.module }, envelopes.length);
        for (const envelope of envelopes) {
          const p = this.handOver(m, envelope);
          this.inflight.add(p);
          void p.finally(() => this.inflight.delete(p));
        }
      } catch (err) {
        if (!this.running) return;
        this.logger.error({ err, module: m.module }, 'outbox relay failed; retrying');
        this.metrics.relayErrors.inc({ module: m.module });
        await this.waitForWake(m.module);
      }
    }
  }

  private async claim(m: ModuleBus): Promise<Envelope[]> {
    const { outbox } = m.tables;
    const rows = await query<EnvelopeRow>(
      m.db,
      sql`update ${outbox} set claimed_until = now() + make_interval(secs => ${this.options.leaseSeconds})
          where id in (
            select id from ${outbox}
            where dispatched_at is null and (claimed_until is null or claimed_until < now())
            order by id limit ${this.options.batchSize}
            for update skip locked)
          returning ${ENVELOPE_COLUMNS}`,
    );
    // RETURNING has no order; hand events over in the order they were published.
    return rows.map(envelopeFromRow).sort(byId);
  }

  private async handOver(m: ModuleBus, envelope: Envelope): Promise<void> {
    let ok = false;
    try {
      this.observations.published(envelope);
      await dispatchSpan(this.transport.name, envelope, () => this.transport.dispatch(envelope));
      ok = true;
    } catch (err) {
      if (this.running) this.logger.error({ err, eventId: envelope.id, type: envelope.type }, 'dispatch failed; the outbox keeps the event');
    }
    await this.mark(m, envelope.id, ok);
  }

  /** Marks are batched: one UPDATE for everything that settled in the same tick. */
  private mark(m: ModuleBus, id: string, dispatched: boolean): Promise<void> {
    let pending = this.pendingMarks.get(m.module);
    if (!pending) {
      pending = { dispatched: [], released: [] };
      this.pendingMarks.set(m.module, pending);
    }
    (dispatched ? pending.dispatched : pending.released).push(id);
    // Every caller waits for the flush that carries its id: stop awaits hand-overs and then
    // closes the database, so a mark still queued at that point would be lost.
    if (pending.flush) return pending.flush;
    const state = pending;
    state.flush = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const ids = state.dispatched.splice(0);
      const released = state.released.splice(0);
      state.flush = undefined;
      const { outbox } = m.tables;
      try {
        if (ids.length > 0) {
          await m.db.execute(sql`update ${outbox} set dispatched_at = now(), claimed_until = null where id = any(${uuidList(ids)})`);
        }
        if (released.length > 0) {
          // A failed hand-over is retried soon, not after the whole lease.
          await m.db.execute(sql`update ${outbox} set claimed_until = now() + interval '2 seconds' where id = any(${uuidList(released)})`);
        }
      } catch (err) {
        // The lease expires and the rows are claimed again; inboxes absorb the repeat.
        this.logger.error({ err, module: m.module, count: ids.length }, 'could not mark outbox rows');
      }
    });
    return state.flush;
  }

  private waitForWake(module: string): Promise<void> {
    if (this.missedWakes.delete(module)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // A waker left behind after a timeout would swallow the next wake-up.
        if (this.wakers.get(module) === done) this.wakers.delete(module);
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs);
      this.wakers.set(module, done);
    });
  }
}
