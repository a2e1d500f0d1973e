import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import { runInContext } from '../context.ts';
import { query, type Db, type Executor, type Tx } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Envelope, EventContract, PayloadOf } from './contract.ts';
import {
  byId,
  ENVELOPE_COLUMNS,
  envelopeFromJson,
  envelopeFromRow,
  envelopeToJson,
  handlerContext,
  newEnvelope,
  outboxRowOf,
  uuidList,
  type EnvelopeRow,
  type OutboxInsert,
} from './envelope.ts';
import type { Commit, Publish, Subscription } from './subscription.ts';
import type { BusTables } from './tables.ts';
import { DeadLetterNotRecorded, type BatchOutcome, type Deliverer, type DeliveryResult, type Transport } from './transport.ts';

export interface BusOptions {
  pollMs: number;
  batchSize: number;
  leaseSeconds: number;
  retentionHours: number;
  /** The deployment's Postgres client for LISTEN/NOTIFY wake-ups; undefined on PGlite. */
  listen?: (channel: string, onNotify: (module: string) => void) => Promise<{ unlisten(): Promise<void> }>;
  notifies: boolean;
}

interface ModuleBus {
  module: string;
  db: Db;
  tables: BusTables;
  publishes: Map<string, EventContract>;
}

interface SubscriptionRuntime {
  module: ModuleBus;
  subscription: Subscription;
}

export interface DeadLetter {
  eventId: string;
  subscription: string;
  module: string;
  type: string;
  attempts: number;
  lastError: string | null;
  failedAt: string;
  envelope: Envelope;
}

export type BusObservation =
  | { kind: 'published'; envelope: Envelope }
  | { kind: 'handled'; subscription: string; envelope: Envelope; outcome: DeliveryResult['outcome'] }
  | { kind: 'failed'; subscription: string; envelope: Envelope; attempt: number; error: unknown }
  | { kind: 'dead-lettered'; subscription: string; envelope: Envelope };

const NOTIFY_CHANNEL = 'cafe_outbox';

class DuplicateDelivery extends Error {}

/** Rejects a handler's `commit` when another handler's failure rolled back the shared batch. */
export class BatchAborted extends Error {
  constructor() {
    super('batch rolled back because of another event; delivering this one on its own');
  }
}

export type { BatchOutcome };

export interface OutboxWriter {
  publish: Publish;
  /** How many events this writer has accepted. */
  readonly published: number;
  flush(tx: Executor): Promise<void>;
}

/**
 * The kernel's event bus: outbox writes, the relay that claims outbox rows and hands them to the
 * transport, and the deliverer that runs a handler inside its inbox transaction.
 */
export class EventBus {
  private readonly modules = new Map<string, ModuleBus>();
  private readonly subscriptions = new Map<string, SubscriptionRuntime>();
  private readonly byType = new Map<string, string[]>();
  private readonly observers = new EventEmitter();
  private running = false;
  private readonly wakers = new Map<string, () => void>();
  private readonly loops: Promise<void>[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private listener?: { unlisten(): Promise<void> };
  private pruneTimer?: ReturnType<typeof setInterval>;

  constructor(
    readonly transport: Transport,
    private readonly options: BusOptions,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {
    this.observers.setMaxListeners(0);
  }

  registerModule(module: string, db: Db, tables: BusTables, publishes: readonly EventContract[]): void {
    this.modules.set(module, { module, db, tables, publishes: new Map(publishes.map((e) => [e.type, e])) });
  }

  addSubscription(module: string, subscription: Subscription): void {
    const owner = this.modules.get(module);
    if (!owner) throw new Error(`Module ${module} is not registered with the bus`);
    if (this.subscriptions.has(subscription.name)) throw new Error(`Duplicate subscription name ${subscription.name}`);
    this.subscriptions.set(subscription.name, { module: owner, subscription });
    const list = this.byType.get(subscription.event.type) ?? [];
    list.push(subscription.name);
    this.byType.set(subscription.event.type, list);
  }

  subscriptionNames(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** A module's subscriptions with the event type each handles (what a projection rebuild replays). */
  subscriptionsOf(module: string): { name: string; type: string }[] {
    return [...this.subscriptions].filter(([, r]) => r.module.module === module).map(([name, r]) => ({ name, type: r.subscription.event.type }));
  }

  /**
   * Publisher side: a `publish` bound to a module's outbox and a transaction. Envelopes are
   * validated at once and written when `flush` runs, as one multi-row insert just before the
   * transaction commits: a unit of work that publishes several events pays one round trip.
   */
  outboxWriter(module: string): OutboxWriter {
    const owner = this.modules.get(module);
    if (!owner) throw new Error(`Module ${module} is not registered with the bus`);
    const rows: OutboxInsert[] = [];
    let published = 0;
    const publish: Publish = async (event, payload) => {
      if (!owner.publishes.has(event.type)) {
        throw new Error(`Module ${module} does not declare that it publishes ${event.type}`);
      }
      // Validation at the publisher: an invalid payload never reaches the outbox.
      const envelope = newEnvelope(event, event.payload.parse(payload) as PayloadOf<typeof event>, module);
      rows.push(outboxRowOf(envelope));
      published++;
      return envelope;
    };
    return {
      publish,
      get published() {
        return published;
      },
      flush: async (tx) => {
        if (rows.length === 0) return;
        await tx.insert(owner.tables.outbox).values(rows.splice(0));
        // NOTIFY is transactional: other relays hear it only if this transaction commits.
        if (this.options.notifies) await tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${module})`);
      },
    };
  }

  /** An immediate publisher for code that manages its own transaction: each call writes its row. */
  publisher(module: string, tx: Executor): Publish {
    return async (event, payload) => {
      const writer = this.outboxWriter(module);
      const envelope = await writer.publish(event, payload);
      await writer.flush(tx);
      return envelope;
    };
  }

  /** Runs `work` in one transaction of the module's database and wakes the relay after commit. */
  async unitOfWork<T>(module: string, work: (tx: Tx, publish: Publish) => Promise<T>): Promise<T> {
    const owner = this.modules.get(module)!;
    const writer = this.outboxWriter(module);
    const result = await owner.db.transaction(async (tx) => {
      const value = await work(tx, writer.publish);
      await writer.flush(tx);
      return value;
    });
    if (writer.published > 0) this.wake(module);
    return result;
  }

  observe(listener: (o: BusObservation) => void): () => void {
    this.observers.on('observation', listener);
    return () => this.observers.off('observation', listener);
  }

  private emit(o: BusObservation): void {
    if (this.observers.listenerCount('observation') > 0) this.observers.emit('observation', o);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const deliverer: Deliverer = {
      subscriptions: () => this.subscriptionNames(),
      subscriptionsFor: (type) => this.byType.get(type) ?? [],
      deliver: (sub, env, attempt, final) => this.deliver(sub, env, attempt, final),
      deliverBatch: (sub, envs) => this.deliverBatch(sub, envs),
    };
    await this.transport.start(deliverer);
    if (this.options.listen) {
      this.listener = await this.options.listen(NOTIFY_CHANNEL, (module) => this.wake(module));
    }
    for (const m of this.modules.values()) {
      if (m.publishes.size > 0) this.loops.push(this.relayLoop(m));
    }
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), 10 * 60_000);
    this.pruneTimer.unref?.();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    for (const wake of this.wakers.values()) wake();
    await Promise.allSettled(this.loops);
    this.loops.length = 0;
    await this.listener?.unlisten().catch(() => {});
    await this.transport.stop();
    await Promise.allSettled([...this.inflight]);
  }

  /** Modules woken while their relay was busy claiming: the next wait returns at once. */
  private readonly missedWakes = new Set<string>();

  wake(module: string): void {
    const waker = this.wakers.get(module);
    if (waker) waker();
    else this.missedWakes.add(module);
  }

  private async relayLoop(m: ModuleBus): Promise<void> {
    const maxInflight = this.options.batchSize * 4;
    while (this.running) {
      try {
        if (this.inflight.size >= maxInflight) {
          await Promise.race(this.inflight);
          continue;
        }
        const rows = await this.claim(m);
        if (rows.length === 0) {
          await this.waitForWake(m.module);
          continue;
        }
        this.metrics.outboxClaimed.inc({ module: m.module }, rows.length);
        for (const envelope of rows) {
          const p = this.dispatchOne(m, envelope);
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

  private readonly pendingMarks = new Map<string, { ids: string[]; released: string[]; flush?: Promise<void> }>();

  private async dispatchOne(m: ModuleBus, envelope: Envelope): Promise<void> {
    let ok = false;
    try {
      this.emit({ kind: 'published', envelope });
      await this.transport.dispatch(envelope);
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
      pending = { ids: [], released: [], flush: undefined };
      this.pendingMarks.set(m.module, pending);
    }
    (dispatched ? pending.ids : pending.released).push(id);
    // Every caller waits for the flush that carries its id: stop() awaits dispatches and then
    // closes the database, so a mark still queued at that point would be lost.
    if (pending.flush) return pending.flush;
    const state = pending;
    state.flush = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const ids = state.ids.splice(0);
      const released = state.released.splice(0);
      state.flush = undefined;
      const { outbox } = m.tables;
      try {
        if (ids.length > 0) {
          await m.db.execute(
            sql`update ${outbox} set dispatched_at = now(), claimed_until = null where id = any(${uuidList(ids)})`,
          );
        }
        if (released.length > 0) {
          // A failed hand-over is retried soon, not after the whole lease.
          await m.db.execute(
            sql`update ${outbox} set claimed_until = now() + interval '2 seconds' where id = any(${uuidList(released)})`,
          );
        }
      } catch (err) {
        // The lease expires and the rows are claimed again; inboxes absorb the repeat.
        this.logger.error({ err, module: m.module, count: ids.length }, 'could not mark outbox rows');
      }
    });
    return state.flush;
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
    return rows.map(envelopeFromRow).sort(byId);
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

  /** The deliverer every transport uses: inbox check, handler, inbox record, in one transaction. */
  async deliver(subscriptionName: string, envelope: Envelope, attempt: number, final: boolean): Promise<DeliveryResult> {
    const runtime = this.subscriptions.get(subscriptionName);
    if (!runtime) throw new Error(`Unknown subscription ${subscriptionName}`);
    const { module, subscription } = runtime;
    const { inbox } = module.tables;
    const started = performance.now();
    try {
      const seen = await query(
        module.db,
        sql`select 1 from ${inbox} where event_id = ${envelope.id} and subscription = ${subscriptionName} and status = 'done'`,
      );
      if (seen.length > 0) return this.handled(subscriptionName, envelope, 'duplicate');

      const payload = subscription.event.payload.parse(envelope.payload);
      let committed = false;
      const writer = this.outboxWriter(module.module);
      const commit: Commit = async (effects) => {
        if (committed) throw new Error(`${subscriptionName} called commit twice`);
        committed = true;
        return module.db.transaction(async (tx) => {
          const claimed = await this.claimInbox(tx, runtime, [envelope], attempt);
          if (claimed.size === 0) throw new DuplicateDelivery();
          const value = await effects(tx, writer.publish);
          await writer.flush(tx);
          return value;
        });
      };
      await runInContext(handlerContext(envelope), async () => {
        await subscription.handle(payload, { envelope, attempt, commit });
        if (!committed) await commit(async () => undefined);
      });
      if (writer.published > 0) this.wake(module.module);
      this.metrics.handlerDuration.observe({ subscription: subscriptionName }, (performance.now() - started) / 1000);
      return this.handled(subscriptionName, envelope, 'handled');
    } catch (err) {
      if (err instanceof DuplicateDelivery) return this.handled(subscriptionName, envelope, 'duplicate');
      this.failed(subscriptionName, envelope, attempt, err);
      if (final) {
        try {
          await this.recordDeadLetter(runtime, envelope, attempt, err);
        } catch (recordErr) {
          throw new DeadLetterNotRecorded(subscriptionName, envelope.id, recordErr);
        }
      }
      throw err;
    }
  }

  /**
   * First attempts of many events for one subscription, with every handler's effects and inbox
   * rows committed in ONE transaction: the throughput path of the in-process transport.
   * Handlers run as usual up to `commit`, so their reads and API calls stay outside any
   * transaction. If one handler's effects throw, the whole transaction rolls back: that event is
   * reported `failed` (its attempt counted) and the others `aborted`, to be delivered one by one
   * at once. Nothing here is ever a final attempt, so no dead letter is written on this path.
   */
  async deliverBatch(subscriptionName: string, envelopes: readonly Envelope[]): Promise<BatchOutcome[]> {
    const runtime = this.subscriptions.get(subscriptionName);
    if (!runtime) throw new Error(`Unknown subscription ${subscriptionName}`);
    const { module, subscription } = runtime;
    const started = performance.now();
    const outcomes: BatchOutcome[] = envelopes.map(() => 'aborted');

    const done = await this.alreadyHandled(runtime, envelopes);
    interface Member {
      index: number;
      envelope: Envelope;
      effects?: (tx: Tx, publish: Publish) => Promise<unknown>;
      settle?: { resolve(v: unknown): void; reject(e: unknown): void };
      handled: Promise<void>;
    }
    const members: Member[] = [];
    const firstOf = new Map<string, number>();
    const ready: Promise<unknown>[] = [];
    envelopes.forEach((envelope, index) => {
      if (done.has(envelope.id)) {
        outcomes[index] = 'handled';
        this.handled(subscriptionName, envelope, 'duplicate');
        return;
      }
      // The same event twice in one batch: the repeat goes the single way and meets the inbox.
      if (firstOf.has(envelope.id)) return;
      firstOf.set(envelope.id, index);
      const member: Member = { index, envelope, handled: Promise.resolve() };
      let markReady!: () => void;
      ready.push(new Promise<void>((r) => (markReady = r)));
      const commit: Commit = (effects) => {
        if (member.effects) return Promise.reject(new Error(`${subscriptionName} called commit twice`));
        member.effects = effects;
        const settled = new Promise<never>((resolve, reject) => (member.settle = { resolve: resolve as (v: unknown) => void, reject }));
        markReady();
        return settled;
      };
      member.handled = runInContext(handlerContext(envelope), async () => {
        const payload = subscription.event.payload.parse(envelope.payload);
        await subscription.handle(payload, { envelope, attempt: 1, commit });
        if (!member.effects) await commit(async () => undefined);
      });
      // A handler that fails before reaching commit is ready too, as a failure.
      member.handled.then(markReady, (err: unknown) => {
        if (!member.effects) {
          outcomes[index] = 'failed';
          this.failed(subscriptionName, envelope, 1, err);
        }
        markReady();
      });
      members.push(member);
    });
    await Promise.all(ready);

    const committing = members.filter((m) => m.effects && outcomes[m.index] !== 'failed');
    if (committing.length > 0) {
      const writer = this.outboxWriter(module.module);
      let culprit: Member | undefined;
      const duplicates = new Set<Member>();
      const results = new Map<Member, unknown>();
      try {
        await module.db.transaction(async (tx) => {
          const claimed = await this.claimInbox(tx, runtime, committing.map((m) => m.envelope), 1);
          for (const m of committing) {
            if (!claimed.has(m.envelope.id)) {
              duplicates.add(m);
              continue;
            }
            culprit = m;
            results.set(m, await runInContext(handlerContext(m.envelope), () => m.effects!(tx, writer.publish)));
          }
          culprit = undefined;
          await writer.flush(tx);
        });
      } catch (err) {
        for (const m of committing) {
          if (m === culprit) {
            outcomes[m.index] = 'failed';
            this.failed(subscriptionName, m.envelope, 1, err);
            m.settle!.reject(err);
          } else {
            m.settle!.reject(new BatchAborted());
          }
        }
        await Promise.allSettled(committing.map((m) => m.handled));
        return outcomes;
      }
      for (const m of committing) {
        if (duplicates.has(m)) m.settle!.reject(new DuplicateDelivery());
        else m.settle!.resolve(results.get(m));
      }
      if (writer.published > 0) this.wake(module.module);
      for (const m of committing) {
        try {
          await m.handled;
          outcomes[m.index] = 'handled';
          this.handled(subscriptionName, m.envelope, duplicates.has(m) ? 'duplicate' : 'handled');
        } catch (err) {
          if (err instanceof DuplicateDelivery) {
            outcomes[m.index] = 'handled';
            this.handled(subscriptionName, m.envelope, 'duplicate');
          } else {
            // Effects committed, then the handler threw: a retry meets the inbox, as on the single path.
            outcomes[m.index] = 'failed';
            this.failed(subscriptionName, m.envelope, 1, err);
          }
        }
      }
    }
    const seconds = (performance.now() - started) / 1000 / Math.max(1, envelopes.length);
    for (let i = 0; i < envelopes.length; i++) this.metrics.handlerDuration.observe({ subscription: subscriptionName }, seconds);
    return outcomes;
  }

  /** Event ids of these envelopes this subscription has handled already (one query). */
  private async alreadyHandled(runtime: SubscriptionRuntime, envelopes: readonly Envelope[]): Promise<Set<string>> {
    if (envelopes.length === 0) return new Set();
    const rows = await query<{ event_id: string }>(
      runtime.module.db,
      sql`select event_id from ${runtime.module.tables.inbox}
          where subscription = ${runtime.subscription.name} and status = 'done'
            and event_id = any(${uuidList(envelopes.map((e) => e.id))})`,
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /** Inserts 'done' inbox rows; returns the ids this transaction claimed (others were handled already). */
  private async claimInbox(tx: Tx, runtime: SubscriptionRuntime, envelopes: readonly Envelope[], attempt: number): Promise<Set<string>> {
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

  private failed(subscription: string, envelope: Envelope, attempt: number, error: unknown): void {
    this.metrics.handlerFailures.inc({ subscription });
    this.emit({ kind: 'failed', subscription, envelope, attempt, error });
  }

  private handled(subscription: string, envelope: Envelope, outcome: DeliveryResult['outcome']): DeliveryResult {
    this.metrics.eventsHandled.inc({ subscription, outcome });
    this.emit({ kind: 'handled', subscription, envelope, outcome });
    return { outcome };
  }

  private async recordDeadLetter(runtime: SubscriptionRuntime, envelope: Envelope, attempts: number, err: unknown): Promise<void> {
    const { inbox } = runtime.module.tables;
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    await runtime.module.db.execute(
      sql`insert into ${inbox} as i (event_id, subscription, status, attempts, last_error, envelope, updated_at)
          values (${envelope.id}, ${runtime.subscription.name}, 'dead', ${attempts}, ${message}, ${envelopeToJson(envelope)}::jsonb, now())
          on conflict (event_id, subscription) do update
            set status = 'dead', attempts = excluded.attempts, last_error = excluded.last_error, envelope = excluded.envelope, updated_at = now()
            where i.status <> 'done'`,
    );
    this.logger.error({ err, subscription: runtime.subscription.name, eventId: envelope.id, type: envelope.type, attempts }, 'event dead-lettered');
    this.metrics.deadLettered.inc({ subscription: runtime.subscription.name });
    this.emit({ kind: 'dead-lettered', subscription: runtime.subscription.name, envelope });
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    const owners = new Set([...this.subscriptions.values()].map((s) => s.module));
    for (const m of owners) {
      const rows = await query<{ event_id: string; subscription: string; attempts: number; last_error: string | null; updated_at: string | Date; envelope: unknown }>(
        m.db,
        sql`select event_id, subscription, attempts, last_error, updated_at, envelope from ${m.tables.inbox} where status = 'dead' order by updated_at`,
      );
      for (const r of rows) {
        const envelope = envelopeFromJson(r.envelope);
        out.push({
          eventId: r.event_id,
          subscription: r.subscription,
          module: m.module,
          type: envelope.type,
          attempts: r.attempts,
          lastError: r.last_error,
          failedAt: new Date(r.updated_at).toISOString(),
          envelope,
        });
      }
    }
    return out;
  }

  /** Hands a dead letter back to its subscription; false when there is no such dead letter. */
  async replay(eventId: string, subscription: string): Promise<boolean> {
    const letter = (await this.deadLetters()).find((d) => d.eventId === eventId && d.subscription === subscription);
    if (!letter) return false;
    this.logger.info({ eventId, subscription }, 'replaying dead letter');
    await this.transport.replay(subscription, letter.envelope);
    return true;
  }

  /**
   * Published events of the given types, oldest first, from every module's outbox (retained
   * history and not-yet-dispatched rows alike): what projections rebuild from.
   */
  async history(types: readonly string[]): Promise<Envelope[]> {
    const out: Envelope[] = [];
    for (const m of this.modules.values()) {
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

  /** Undispatched rows per module: surfaced in health and metrics. */
  async backlog(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const m of this.modules.values()) {
      if (m.publishes.size === 0) continue;
      const [row] = await query<{ n: number | string }>(m.db, sql`select count(*) as n from ${m.tables.outbox} where dispatched_at is null`);
      out[m.module] = Number(row?.n ?? 0);
    }
    return out;
  }

  private async prune(): Promise<void> {
    for (const m of this.modules.values()) {
      if (m.publishes.size === 0) continue;
      try {
        await m.db.execute(
          sql`delete from ${m.tables.outbox} where dispatched_at is not null and dispatched_at < now() - make_interval(hours => ${this.options.retentionHours})`,
        );
      } catch (err) {
        this.logger.warn({ err, module: m.module }, 'could not prune event history');
      }
    }
  }
}
