import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../../shared/index.ts';
import type { WalletEvent } from '../domain/wallet.ts';
import { walletEvents } from './schema.ts';

/** Another writer appended to the stream first; the caller re-reads and decides again. */
export class ConcurrencyConflict extends Error {
  override name = 'ConcurrencyConflict';
  constructor(readonly streamId: string, readonly expectedVersion: number) {
    super(`wallet ${streamId} moved past version ${expectedVersion}`);
  }
}

/** payments' event store: the only code that touches `payments.wallet_events`. */
export class WalletEventStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): WalletEventStore {
    return new WalletEventStore(tx);
  }

  /** A stream's events in version order; an unknown customer has an empty stream. */
  async load(streamId: string): Promise<WalletEvent[]> {
    const rows = await this.db
      .select({ type: walletEvents.type, amountCents: walletEvents.amountCents, orderId: walletEvents.orderId, at: walletEvents.at, version: walletEvents.version })
      .from(walletEvents)
      .where(eq(walletEvents.streamId, streamId))
      .orderBy(asc(walletEvents.version));
    return rows.map(toEvent);
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
      amountCents: e.amountCents,
      orderId: e.type === 'deposited' ? null : e.orderId,
      at: e.at,
    }));
    const inserted = await this.db.insert(walletEvents).values(rows).onConflictDoNothing().returning({ version: walletEvents.version });
    if (inserted.length !== rows.length) throw new ConcurrencyConflict(streamId, expectedVersion);
  }
}

function toEvent(row: { type: WalletEvent['type']; amountCents: number; orderId: string | null; at: Date }): WalletEvent {
  const at = row.at instanceof Date ? row.at : new Date(row.at);
  if (row.type === 'deposited') return { type: 'deposited', amountCents: row.amountCents, at };
  return { type: row.type, amountCents: row.amountCents, orderId: row.orderId!, at };
}
