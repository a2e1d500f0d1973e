import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../../shared/db/database.ts';
import { Problem } from '../../../shared/errors.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { WalletBusy, Wallets } from '../application/wallets.ts';
import { ConcurrencyConflict, WalletEventStore } from '../db/wallet-event-store.ts';
import type { WalletEvent } from '../domain/wallet.ts';
import { newId, storedStream } from './support.ts';

/**
 * A store that lets a rival writer append right after the wallet was read, the window in which
 * a real concurrent writer would commit. (The embedded database runs one transaction at a time,
 * so the race is staged here; on Postgres the concurrency test also produces it for real.)
 */
class RivalStore extends WalletEventStore {
  constructor(
    db: Executor,
    private readonly rivals: { remaining: number },
  ) {
    super(db);
  }
  override with(tx: Executor): WalletEventStore {
    return new RivalStore(tx, this.rivals);
  }
  override async events(streamId: string, afterVersion = 0): Promise<WalletEvent[]> {
    const events = await super.events(streamId, afterVersion);
    if (this.rivals.remaining > 0) {
      this.rivals.remaining--;
      await super.append(streamId, afterVersion + events.length, [{ type: 'deposited', amountCents: 1, at: new Date() }]);
    }
    return events;
  }
}

describe('payments optimistic concurrency', () => {
  let app: TestApp;
  let db: Executor;
  const unitOfWork: ConstructorParameters<typeof Wallets>[1] = (work) => app.kernel.bus.unitOfWork('payments', work);
  beforeAll(async () => {
    app = await startTestApp();
    db = app.kernel.db.forModule('payments');
  });
  afterAll(() => app?.stop());

  it('refuses an append at a stale version', async () => {
    const customerId = newId();
    const store = new WalletEventStore(db);
    await store.append(customerId, 0, [{ type: 'deposited', amountCents: 100, at: new Date() }]);
    await expect(store.append(customerId, 0, [{ type: 'deposited', amountCents: 5, at: new Date() }])).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect((await storedStream(app, customerId)).map((e) => e.amountCents)).toEqual([100]);
  });

  it('re-reads and decides again after a conflict', async () => {
    const customerId = newId();
    await new WalletEventStore(db).append(customerId, 0, [{ type: 'deposited', amountCents: 500, at: new Date() }]);
    const conflicts: number[] = [];
    const wallets = new Wallets(new RivalStore(db, { remaining: 2 }), unitOfWork, { onConflict: (_, attempt) => conflicts.push(attempt) });
    const result = await wallets.charge({ customerId, orderId: newId(), amountCents: 200 });
    expect(result).toEqual({ outcome: 'charged', amountCents: 200, balanceCents: 300 });
    expect(conflicts).toEqual([1, 2]);
    // The losing attempts rolled back whole: one deposit and one charge, nothing else.
    expect((await storedStream(app, customerId)).map((e) => [e.version, e.type])).toEqual([
      [1, 'deposited'],
      [2, 'charged'],
    ]);
  });

  it('gives up after its bounded retries with payments\' own "busy" error, never an HTTP problem', async () => {
    const customerId = newId();
    const wallets = new Wallets(new RivalStore(db, { remaining: 100 }), unitOfWork, { policy: { maxAttempts: 3, maxJitterMs: 5 } });
    const error = await wallets.deposit(customerId, 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalletBusy);
    expect(error).not.toBeInstanceOf(Problem);
    expect(error).toMatchObject({ customerId, retryAfterSeconds: 1 });
    expect(await storedStream(app, customerId)).toEqual([]);
  });
});

describe('payments event store', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('is append-only: the database refuses to rewrite or delete history', async () => {
    const db = app.kernel.db.forModule('payments');
    const customerId = newId();
    await new WalletEventStore(db).append(customerId, 0, [{ type: 'deposited', amountCents: 100, at: new Date() }]);
    const refusal = (statement: ReturnType<typeof sql>) =>
      db.execute(statement).then(
        () => 'accepted',
        (err: Error) => String((err.cause as Error | undefined)?.message ?? err.message),
      );
    expect(await refusal(sql`update payments.wallet_events set amount_cents = 1000000 where stream_id = ${customerId}`)).toContain('append-only');
    expect(await refusal(sql`delete from payments.wallet_events where stream_id = ${customerId}`)).toContain('append-only');
    expect((await storedStream(app, customerId)).map((e) => e.amountCents)).toEqual([100]);
  });
});
