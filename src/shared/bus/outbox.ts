import { sql, type SQL } from 'drizzle-orm';
import type { Executor, Tx } from '../db/database.ts';
import type { Envelope, PayloadOf } from './contract.ts';
import { newEnvelope, outboxRowOf, type OutboxInsert } from './envelope.ts';
import type { Registry } from './registry.ts';
import type { BusTables } from './tables.ts';
import { outboxWriteSpan, transactionSpan } from './spans.ts';
import type { Publish } from './subscription.ts';

/**
 * One statement for any number of events: the rows travel as a single JSON parameter, so the text
 * is the same whatever the count (one prepared statement, not one per row count) and building it
 * costs a JSON.stringify instead of a parameter per column per row. With `notify`, the same
 * statement sends the NOTIFY, which is transactional: other relays hear it only on commit.
 */
function outboxInsert(table: BusTables['outbox'], rows: readonly OutboxInsert[], notify: string | undefined, leaseSeconds: number | undefined): SQL {
  const json = JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      type: r.type,
      version: r.version,
      occurred_at: r.occurredAt,
      source: r.source,
      correlation_id: r.correlationId,
      causation_id: r.causationId ?? null,
      traceparent: r.traceparent ?? null,
      payload: r.payload,
    })),
  );
  const claimedUntil = leaseSeconds === undefined ? sql`null::timestamptz` : sql`now() + make_interval(secs => ${leaseSeconds})`;
  const insert = sql`insert into ${table} (id, type, version, occurred_at, source, correlation_id, causation_id, traceparent, payload, claimed_until)
    select id, type, version, occurred_at, source, correlation_id, causation_id, traceparent, payload, ${claimedUntil}
    from jsonb_to_recordset(${json}::jsonb)
      as r(id uuid, type text, version int, occurred_at timestamptz, source text, correlation_id text, causation_id text, traceparent text, payload jsonb)`;
  return notify === undefined ? insert : sql`with inserted as (${insert}) select pg_notify(${NOTIFY_CHANNEL}, ${notify})`;
}

/**
 * The channel outbox writes NOTIFY on and relays LISTEN to. The payload is the module name, and
 * `/<origin>` when the writing process hands its committed events to its own relay: that relay
 * ignores its own echo, while every other process's relay scans.
 */
export const NOTIFY_CHANNEL = 'cafe_outbox';

/** The module a NOTIFY payload names, and the process that sent it, if it said. */
export function notifyPayload(payload: string): { module: string; origin?: string } {
  const slash = payload.indexOf('/');
  return slash < 0 ? { module: payload } : { module: payload.slice(0, slash), origin: payload.slice(slash + 1) };
}

export interface OutboxWriter {
  publish: Publish;
  /** How many events this writer has accepted. */
  readonly published: number;
  /** The events it has written so far, already claimed for this process's relay when it runs. */
  readonly written: readonly Envelope[];
  flush(tx: Executor): Promise<void>;
}

/**
 * The publishing side of the bus: events enter a module's outbox inside the same transaction as
 * the state change that caused them, so an event exists if and only if that change committed.
 */
export class Outbox {
  constructor(
    private readonly registry: Registry,
    private readonly options: { notifies: boolean; origin: string; leaseSeconds: number },
    private readonly relay: {
      /** Whether this process's relay is running, so rows may be claimed for it as they are written. */
      isRunning(): boolean;
      /**
       * Tells the module's relay there is work, so it need not wait for its next poll: these
       * committed events, or (without them) whatever it finds.
       */
      wake(module: string, committed?: readonly Envelope[]): void;
    },
  ) {}

  /**
   * A `publish` bound to a module's outbox. Envelopes are validated at once and written when
   * `flush` runs, as one multi-row insert just before the transaction commits: a unit of work
   * that publishes several events pays one round trip.
   */
  writer(module: string, tellsRelay = true): OutboxWriter {
    const owner = this.registry.module(module);
    const rows: OutboxInsert[] = [];
    const envelopes: Envelope[] = [];
    const written: Envelope[] = [];
    const notify = !this.options.notifies ? undefined : tellsRelay ? `${module}/${this.options.origin}` : module;
    let published = 0;
    const publish: Publish = async (event, payload) => {
      if (!owner.publishes.has(event.type)) {
        throw new Error(`Module ${module} does not declare that it publishes ${event.type}`);
      }
      // Validation at the publisher: an invalid payload never reaches the outbox.
      const envelope = newEnvelope(event, event.payload.parse(payload) as PayloadOf<typeof event>, module);
      rows.push(outboxRowOf(envelope));
      envelopes.push(envelope);
      published++;
      return envelope;
    };
    return {
      publish,
      get published() {
        return published;
      },
      written,
      flush: async (tx) => {
        if (rows.length === 0) return;
        const batch = rows.splice(0);
        const events = envelopes.splice(0);
        // Claimed for this process's relay as they are written: it hands them over after commit
        // without claiming them again. Another process takes them only if the lease runs out.
        const lease = tellsRelay && this.relay.isRunning() ? this.options.leaseSeconds : undefined;
        await outboxWriteSpan(module, batch.map((r) => r.type), () => tx.execute(outboxInsert(owner.tables.outbox, batch, notify, lease)));
        if (lease !== undefined) written.push(...events);
      },
    };
  }

  /**
   * For code that manages its own transaction: each call writes its row at once. Nobody here
   * learns when that transaction commits, so the relays hear of the rows by NOTIFY or their poll.
   */
  publisher(module: string, tx: Executor): Publish {
    return async (event, payload) => {
      const writer = this.writer(module, false);
      const envelope = await writer.publish(event, payload);
      await writer.flush(tx);
      return envelope;
    };
  }

  /** Call once the transaction `writer` flushed into has committed: the relay hands its events over. */
  committed(module: string, writer: OutboxWriter): void {
    if (writer.written.length > 0) this.relay.wake(module, writer.written);
    else if (writer.published > 0) this.relay.wake(module);
  }

  async unitOfWork<T>(module: string, work: (tx: Tx, publish: Publish) => Promise<T>): Promise<T> {
    const owner = this.registry.module(module);
    const writer = this.writer(module);
    const result = await transactionSpan(module, () =>
      owner.db.transaction(async (tx) => {
        const value = await work(tx, writer.publish);
        await writer.flush(tx);
        return value;
      }),
    );
    this.committed(module, writer);
    return result;
  }
}
