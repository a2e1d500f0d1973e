import { and, asc, eq, gt, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../../../shared/index.ts';
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
