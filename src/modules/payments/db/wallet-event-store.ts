import { and, asc, eq, gt, inArray, ne, or, sql } from 'drizzle-orm';
import { query, type Executor } from '../../../shared/index.ts';
import type { Movement, WalletEvent } from '../domain/wallet.ts';
import type { StoredSnapshot } from '../domain/wallet-snapshot.ts';
import { walletEvents, walletSnapshots } from './schema.ts';

/** Another writer appended to the stream first; the caller re-reads and decides again. */
export class ConcurrencyConflict extends Error {
  override name = 'ConcurrencyConflict';
  constructor(readonly streamId: string, readonly expectedVersion: number) {
    super(`wallet ${streamId} moved past version ${expectedVersion}`);
  }
}

/** One money movement of a statement page, with the version a cursor continues after. */
export type StoredMovement = Movement & { version: number };

const eventColumns = {
  type: walletEvents.type,
  amountCents: walletEvents.amountCents,
  orderId: walletEvents.orderId,
  at: walletEvents.at,
  version: walletEvents.version,
};

/** payments' event store: the only code that touches `payments.wallet_events` and its snapshots. */
export class WalletEventStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): WalletEventStore {
    return new WalletEventStore(tx);
  }

  /** A stream's events after `afterVersion`, in version order; an unknown customer has an empty stream. */
  async events(streamId: string, afterVersion = 0): Promise<WalletEvent[]> {
    const rows = await this.db
      .select(eventColumns)
      .from(walletEvents)
      .where(and(eq(walletEvents.streamId, streamId), gt(walletEvents.version, afterVersion)))
      .orderBy(asc(walletEvents.version));
    return rows.map(toEvent);
  }

  /**
   * Several streams at once, each after its own version: one round trip for a batch of wallets
   * instead of one per wallet. Events come back per stream, in version order.
   */
  async eventsOfMany(from: ReadonlyMap<string, number>): Promise<Map<string, WalletEvent[]>> {
    const out = new Map<string, WalletEvent[]>([...from.keys()].map((id) => [id, []]));
    if (from.size === 0) return out;
    const ids = [...from.keys()];
    const after = ids.map((id) => from.get(id)!);
    const rows = await query<{ stream_id: string; type: WalletEvent['type']; amount_cents: number; order_id: string | null; at: Date | string }>(
      this.db,
      sql`select e.stream_id, e.type, e.amount_cents, e.order_id, e.at
          from ${walletEvents} e
          join unnest(${`{${ids.join(',')}}`}::uuid[], ${`{${after.join(',')}}`}::int[]) as f(stream_id, after) on e.stream_id = f.stream_id and e.version > f.after
          order by e.stream_id, e.version`,
    );
    for (const r of rows) out.get(r.stream_id)!.push(toEvent({ type: r.type, amountCents: r.amount_cents, orderId: r.order_id, at: new Date(r.at) }));
    return out;
  }

  async snapshotsOf(streamIds: readonly string[]): Promise<Map<string, StoredSnapshot>> {
    if (streamIds.length === 0) return new Map();
    const rows = await this.db
      .select({ streamId: walletSnapshots.streamId, version: walletSnapshots.version, shape: walletSnapshots.shape, state: walletSnapshots.state })
      .from(walletSnapshots)
      .where(inArray(walletSnapshots.streamId, [...streamIds]));
    return new Map(rows.map(({ streamId, ...snapshot }) => [streamId, snapshot]));
  }

  /** Up to `limit` money movements after `afterVersion`, oldest first (tombstones move no money). */
  async movements(streamId: string, afterVersion: number, limit: number): Promise<StoredMovement[]> {
    const rows = await this.db
      .select(eventColumns)
      .from(walletEvents)
      .where(and(eq(walletEvents.streamId, streamId), gt(walletEvents.version, afterVersion), ne(walletEvents.type, 'voided')))
      .orderBy(asc(walletEvents.version))
      .limit(limit);
    return rows.map((r) => ({ ...(toEvent(r) as Movement), version: r.version }));
  }

  /**
   * Appends after `expectedVersion`. The insert skips rows that hit a unique key instead of
   * failing, so the transaction stays usable on both drivers; fewer rows than asked means
   * someone else got there first, and the conflict rolls the whole unit of work back.
   */
  async append(streamId: string, expectedVersion: number, events: readonly WalletEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map((e, i) => ({
      streamId,
      version: expectedVersion + i + 1,
      type: e.type,
      amountCents: e.type === 'voided' ? 0 : e.amountCents,
      orderId: e.type === 'deposited' ? null : e.orderId,
      at: e.at,
    }));
    const inserted = await this.db.insert(walletEvents).values(rows).onConflictDoNothing().returning({ version: walletEvents.version });
    if (inserted.length !== rows.length) throw new ConcurrencyConflict(streamId, expectedVersion);
  }

  /**
   * `append` for several streams in one statement. Any stream that moved past its expected
   * version makes it throw, and the caller's unit of work rolls back for all of them.
   */
  async appendMany(appends: readonly { streamId: string; expectedVersion: number; events: readonly WalletEvent[] }[]): Promise<void> {
    const rows = appends.flatMap(({ streamId, expectedVersion, events }) =>
      events.map((e, i) => ({
        streamId,
        version: expectedVersion + i + 1,
        type: e.type,
        amountCents: e.type === 'voided' ? 0 : e.amountCents,
        orderId: e.type === 'deposited' ? null : e.orderId,
        at: e.at,
      })),
    );
    if (rows.length === 0) return;
    const inserted = await this.db.insert(walletEvents).values(rows).onConflictDoNothing().returning({ version: walletEvents.version });
    if (inserted.length !== rows.length) throw new ConcurrencyConflict(appends.map((a) => a.streamId).join(','), -1);
  }

  /** The stream's latest snapshot as stored, whatever its shape; the domain decides whether it is usable. */
  async snapshot(streamId: string): Promise<StoredSnapshot | undefined> {
    const [row] = await this.db
      .select({ version: walletSnapshots.version, shape: walletSnapshots.shape, state: walletSnapshots.state })
      .from(walletSnapshots)
      .where(eq(walletSnapshots.streamId, streamId));
    return row;
  }

  /**
   * Keeps the newer snapshot. Called in the transaction that appended up to `version`, so the
   * snapshot commits or rolls back with those events. One of another shape is always replaced.
   */
  async saveSnapshot(streamId: string, snapshot: { version: number; shape: number; state: unknown }): Promise<void> {
    await this.db
      .insert(walletSnapshots)
      .values({ streamId, ...snapshot })
      .onConflictDoUpdate({
        target: walletSnapshots.streamId,
        set: { version: snapshot.version, shape: snapshot.shape, state: snapshot.state, takenAt: sql`now()` },
        setWhere: or(gt(sql`excluded.version`, walletSnapshots.version), ne(walletSnapshots.shape, snapshot.shape)),
      });
  }
}

function toEvent(row: { type: WalletEvent['type']; amountCents: number; orderId: string | null; at: Date }): WalletEvent {
  const at = row.at instanceof Date ? row.at : new Date(row.at);
  if (row.type === 'deposited') return { type: 'deposited', amountCents: row.amountCents, at };
  if (row.type === 'voided') return { type: 'voided', orderId: row.orderId!, at };
  return { type: row.type, amountCents: row.amountCents, orderId: row.orderId!, at };
}
