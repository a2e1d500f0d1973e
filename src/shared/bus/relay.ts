import { sql } from 'drizzle-orm';
import { query } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Envelope } from './contract.ts';
import { byId, ENVELOPE_COLUMNS, envelopeFromRow, uuidList, type EnvelopeRow } from './envelope.ts';
import type { Observations } from './observations.ts';
import { NOTIFY_CHANNEL, notifyPayload } from './outbox.ts';
import type { ModuleBus, Registry } from './registry.ts';
import { dispatchSpan } from './spans.ts';
import type { Transport } from './transport.ts';

export interface RelayOptions {
  pollMs: number;
  batchSize: number;
  leaseSeconds: number;
  /** The deployment's Postgres client for LISTEN/NOTIFY wake-ups; undefined on PGlite. */
  listen?: (channel: string, onNotify: (payload: string) => void) => Promise<{ unlisten(): Promise<void> }>;
  /** This process's mark in NOTIFY payloads: its own commits reach its relay from memory, not by echo. */
  origin?: string;
}

/** What a module's relay loop has been told since it last looked. */
interface Work {
  /** Events this process committed, their rows claimed for it as they were written. */
  committed: Envelope[];
  /** Whether to look for any claimable row: at start, on a poll, a NOTIFY from elsewhere, after an error. */
  scan: boolean;
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
 * Wake-ups come from this process's commits (`wake` with the events they wrote), from other
 * processes' commits through LISTEN/NOTIFY on Postgres, and from polling every `pollMs` as the
 * backstop for both. Rows this process writes are claimed for its relay in the statement that
 * writes them, and handed over from memory once they commit: no claim, no read back. Only the
 * other wake-ups scan the pending index, which is what costs: every dispatched row leaves dead
 * entries in it until VACUUM runs, and a scan walks past all of them (with autovacuum off, 3 ms
 * a claim after 20,000 events). If this process dies first, its rows wait out their lease.
 */
export class Relay {
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private readonly wakers = new Map<string, () => void>();
  private readonly work = new Map<string, Work>();
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

  /** Whether rows written now may be claimed for this relay as they are written. */
  isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    this.running = true;
    if (this.options.listen) {
      this.listener = await this.options.listen(NOTIFY_CHANNEL, (payload) => {
        const { module, origin } = notifyPayload(payload);
        if (origin === undefined || origin !== this.options.origin) this.wake(module);
      });
    }
    for (const m of this.registry.publishers()) this.loops.push(this.loop(m));
  }

  /** Stops claiming. Hand-overs already started keep going until `drained`. */
  async halt(): Promise<void> {
    this.running = false;
    for (const wake of this.wakers.values()) wake();
    await Promise.allSettled(this.loops);
    this.loops.length = 0;
    // What was claimed for this relay and not handed over goes back, so a restart need not wait out the lease.
    await Promise.allSettled([...this.work].map(([module, work]) => this.release(module, work.committed.splice(0))));
    await this.listener?.unlisten().catch(() => {});
  }

  /** Waits for every hand-over and its mark, so none is cut off when the database closes. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  /** There is work for the module's relay: these committed events, or (without them) whatever it finds. */
  wake(module: string, committed?: readonly Envelope[]): void {
    const work = this.workOf(module);
    if (!committed) work.scan = true;
    // A relay far behind (or stopped) gives rows back rather than hold them in memory; a scan finds them.
    else if (!this.running || work.committed.length >= this.options.batchSize * 16) {
      void this.release(module, committed);
      work.scan = true;
    } else work.committed.push(...committed);
    this.wakers.get(module)?.();
  }

  /** Ends this relay's claim on rows it will not hand over. */
  private async release(module: string, envelopes: readonly Envelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    const m = this.registry.module(module);
    try {
      await m.db.execute(sql`update ${m.tables.outbox} set claimed_until = null where id = any(${uuidList(envelopes.map((e) => e.id))}) and dispatched_at is null`);
    } catch (err) {
      this.logger.error({ err, module, count: envelopes.length }, 'could not release outbox rows; they wait out their lease');
    }
  }

  private workOf(module: string): Work {
    let work = this.work.get(module);
    if (!work) this.work.set(module, (work = { committed: [], scan: true }));
    return work;
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
    const work = this.workOf(m.module);
    work.scan = true; // rows left from before this process started
    while (this.running) {
      try {
        if (this.inflight.size >= maxInflight) {
          await Promise.race(this.inflight);
          continue;
        }
        let envelopes: Envelope[];
        if (work.committed.length > 0) {
          envelopes = work.committed.splice(0, this.options.batchSize);
        } else if (work.scan) {
          work.scan = false;
          envelopes = await this.claim(m);
          // A full batch may have left more behind it.
          if (envelopes.length === this.options.batchSize) work.scan = true;
        } else {
          await this.waitForWake(m.module, work);
          continue;
        }
        if (envelopes.length === 0) continue;
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
        work.scan = true;
        await this.waitForWake(m.module, work, true);
      }
    }
  }

  /** Claimable rows in publishing order, a batch at a time: the scan. */
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

  /** Until there is work (`afterError`: until the next wake-up or poll); after `pollMs` without any, the relay scans. */
  private waitForWake(module: string, work: Work, afterError = false): Promise<void> {
    if (!this.running || (!afterError && (work.committed.length > 0 || work.scan))) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (polled: boolean) => {
        clearTimeout(timer);
        if (polled) work.scan = true;
        // A waker left behind after a timeout would swallow the next wake-up.
        if (this.wakers.get(module) === wake) this.wakers.delete(module);
        resolve();
      };
      const wake = () => done(false);
      const timer = setTimeout(() => done(true), this.options.pollMs);
      this.wakers.set(module, wake);
    });
  }
}
