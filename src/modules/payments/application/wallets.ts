import { continueTrace, type Publish, type Tx } from '../../../shared/index.ts';
import { ChargeQueue, type QueuedCharge } from './charge-queue.ts';
import { ConcurrencyConflict, type WalletEventStore } from '../db/wallet-event-store.ts';
import { Wallet, WalletRefused, type ChargeOutcome, type Decision, type Refusal, type WalletEvent, type WalletState } from '../domain/wallet.ts';
import { restoreSnapshot, snapshotDue, takeSnapshot } from '../domain/wallet-snapshot.ts';
import { WalletCharged, WalletRefunded, type ChargeResult, type RefundResult } from '../index.ts';

type UnitOfWork = <T>(work: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;

export interface ConflictPolicy {
  /** Tries per command, the first included, before giving up with 503. */
  maxAttempts: number;
  /** Upper bound of the random pause after a conflict, grown a little with every retry. */
  maxJitterMs: number;
}

/**
 * The wallet's stream kept moving under this command for all its tries: nothing was decided, and
 * the same command may simply be sent again shortly.
 */
export class WalletBusy extends Error {
  override name = 'WalletBusy';
  constructor(
    readonly customerId: string,
    readonly retryAfterSeconds = 1,
  ) {
    super('The wallet is busy with other payments; try again');
  }
}

type ChargeInput = { customerId: string; orderId: string; amountCents: number };

/** A command's answer: what it did, or why the wallet refused it. */
export type Outcome<R> = { ok: true; result: R } | { ok: false; refusal: Refusal };

export interface HistoryEntry {
  type: 'deposited' | 'charged' | 'refunded';
  amountCents: number;
  orderId?: string;
  at: string;
}

export interface Statement {
  balanceCents: number;
  history: HistoryEntry[];
  /** The version the next page continues after; null on the last page. */
  nextAfter: number | null;
}

/**
 * payments' use cases. Every command follows the same loop: load the wallet (its latest snapshot
 * and the events after it), let the pure wallet decide, append the new events at the version it
 * read and publish their public counterparts through the outbox, all in one unit of work; when
 * the append reaches a snapshot point, the new state is snapshotted in that same unit of work. If
 * another writer appended first, the append conflicts, the unit of work rolls back (snapshot
 * included), and the command starts over on fresh state.
 */
export class Wallets {
  private readonly policy: ConflictPolicy;
  private readonly clock: () => Date;
  private readonly onConflict: (customerId: string, attempt: number) => void;
  private readonly snapshotEvery: number;
  private readonly charges: ChargeQueue<ChargeInput, Outcome<ChargeOutcome>>;

  constructor(
    private readonly store: WalletEventStore,
    private readonly unitOfWork: UnitOfWork,
    options: {
      policy?: ConflictPolicy;
      clock?: () => Date;
      onConflict?: (customerId: string, attempt: number) => void;
      /** A snapshot is written whenever a stream's version reaches a multiple of this. */
      snapshotEvery?: number;
    } = {},
  ) {
    this.policy = options.policy ?? { maxAttempts: 30, maxJitterMs: 25 };
    this.clock = options.clock ?? (() => new Date());
    this.onConflict = options.onConflict ?? (() => {});
    this.snapshotEvery = options.snapshotEvery ?? 100;
    this.charges = new ChargeQueue(
      (input) => this.decide(input.customerId, (wallet, at) => Wallet.charge(wallet, input.orderId, input.amountCents, at)),
      (batch) => this.chargeTogether(batch),
    );
  }

  deposit(customerId: string, amountCents: number): Promise<Outcome<{ balanceCents: number }>> {
    return this.decide(customerId, (wallet, at) => Wallet.deposit(wallet, amountCents, at));
  }

  /** Concurrent charges are decided together (see ChargeQueue); each gets its own answer. */
  async charge(input: ChargeInput): Promise<ChargeResult> {
    const decided = await this.charges.submit(input);
    if (decided.ok) return decided.result;
    const { refusal } = decided;
    if (refusal.reason === 'insufficient_funds' || refusal.reason === 'order_closed') return { outcome: 'declined', reason: refusal.reason, balanceCents: refusal.balanceCents };
    // The contract's input rules leave no other refusal; should one appear, it is payments' own error.
    throw new WalletRefused(refusal);
  }

  async refund(input: { customerId: string; orderId: string }): Promise<RefundResult> {
    const decided = await this.decide(input.customerId, (wallet, at) => Wallet.refund(wallet, input.orderId, at));
    if (!decided.ok) throw new WalletRefused(decided.refusal);
    return decided.result;
  }

  async balance(customerId: string): Promise<{ balanceCents: number }> {
    return { balanceCents: (await load(this.store, customerId)).balanceCents };
  }

  /**
   * A bank statement: the balance now and one page of the movements it was folded from, oldest
   * first, starting after the movement at version `after` (0: from the first).
   */
  async statement(customerId: string, page: { after: number; limit: number }): Promise<Statement> {
    // One more than asked tells whether another page follows without counting the stream.
    const [movements, wallet] = await Promise.all([this.store.movements(customerId, page.after, page.limit + 1), load(this.store, customerId)]);
    const shown = movements.slice(0, page.limit);
    return {
      balanceCents: wallet.balanceCents,
      history: shown.map((e) => ({ type: e.type, amountCents: e.amountCents, ...(e.type === 'deposited' ? {} : { orderId: e.orderId }), at: e.at.toISOString() })),
      nextAfter: movements.length > page.limit ? shown.at(-1)!.version : null,
    };
  }

  /**
   * Many charges in ONE unit of work: every wallet involved loaded at once, the charges decided
   * in arrival order (a wallet's second charge sees its first), one append for all, each event
   * published under its own caller's trace. If another writer moved one of the wallets, the
   * whole unit of work rolls back and is tried again; after a few tries each charge goes alone,
   * with its own conflict retries.
   */
  private async chargeTogether(batch: readonly QueuedCharge<ChargeInput>[]): Promise<Outcome<ChargeOutcome>[]> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        return await this.unitOfWork((tx, publish) => this.chargeIn(tx, publish, batch));
      } catch (err) {
        if (!(err instanceof ConcurrencyConflict)) throw err;
        this.onConflict(err.streamId, attempt);
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(this.policy.maxJitterMs, 2 + attempt * 2)));
      }
    }
    return Promise.all(batch.map(({ input }) => this.decide(input.customerId, (wallet, at) => Wallet.charge(wallet, input.orderId, input.amountCents, at))));
  }

  private async chargeIn(tx: Tx, publish: Publish, batch: readonly QueuedCharge<ChargeInput>[]): Promise<Outcome<ChargeOutcome>[]> {
    const store = this.store.with(tx);
    const loaded = await loadMany(store, [...new Set(batch.map((b) => b.input.customerId))]);
    const wallets = new Map(loaded);
    const appended = new Map<string, WalletEvent[]>();
    const at = this.clock();
    const decided = batch.map(({ input }) => {
      const wallet = wallets.get(input.customerId)!;
      const decision = Wallet.charge(wallet, input.orderId, input.amountCents, at);
      if (decision.ok && decision.events.length > 0) {
        wallets.set(input.customerId, Wallet.fold(decision.events, wallet));
        appended.set(input.customerId, [...(appended.get(input.customerId) ?? []), ...decision.events]);
      }
      return decision;
    });
    await store.appendMany([...appended].map(([streamId, events]) => ({ streamId, expectedVersion: loaded.get(streamId)!.version, events })));
    for (const [streamId, events] of appended) {
      const before = loaded.get(streamId)!;
      if (!snapshotDue(before.version, before.version + events.length, this.snapshotEvery)) continue;
      // At the last snapshot point the append crossed, as single appends would have left it.
      const point = Math.floor((before.version + events.length) / this.snapshotEvery) * this.snapshotEvery;
      await store.saveSnapshot(streamId, takeSnapshot(Wallet.fold(events.slice(0, point - before.version), before)));
    }
    const outcomes: Outcome<ChargeOutcome>[] = [];
    for (const [i, decision] of decided.entries()) {
      if (!decision.ok) {
        outcomes.push(decision);
        continue;
      }
      const { input, trace } = batch[i]!;
      for (const event of decision.events) await continueTrace(trace, 'payments charge', () => announce(publish, input.customerId, event));
      outcomes.push({ ok: true, result: decision.result });
    }
    return outcomes;
  }

  private async decide<R>(customerId: string, rule: (wallet: WalletState, at: Date) => Decision<R>): Promise<Outcome<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.unitOfWork(async (tx, publish) => {
          const store = this.store.with(tx);
          const wallet = await load(store, customerId);
          const decision = rule(wallet, this.clock());
          if (!decision.ok) return decision;
          await store.append(customerId, wallet.version, decision.events);
          if (snapshotDue(wallet.version, wallet.version + decision.events.length, this.snapshotEvery)) {
            await store.saveSnapshot(customerId, takeSnapshot(Wallet.fold(decision.events, wallet)));
          }
          for (const event of decision.events) await announce(publish, customerId, event);
          return { ok: true as const, result: decision.result };
        });
      } catch (err) {
        if (!(err instanceof ConcurrencyConflict)) throw err;
        this.onConflict(customerId, attempt);
        if (attempt >= this.policy.maxAttempts) throw new WalletBusy(customerId);
        // Random pauses spread the losers out so they do not collide again on the next version.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(this.policy.maxJitterMs, 2 + attempt * 2)));
      }
    }
  }
}

/** The wallet as its latest usable snapshot and the events after it say; the whole stream when there is none. */
async function load(store: WalletEventStore, customerId: string): Promise<WalletState> {
  const stored = await store.snapshot(customerId);
  const from = stored ? restoreSnapshot(stored) : undefined;
  return Wallet.fold(await store.events(customerId, from?.version ?? 0), from);
}

/** `load` for several wallets: two round trips whatever their number. */
async function loadMany(store: WalletEventStore, customerIds: readonly string[]): Promise<Map<string, WalletState>> {
  const stored = await store.snapshotsOf(customerIds);
  const from = new Map(customerIds.map((id) => [id, stored.has(id) ? restoreSnapshot(stored.get(id)!) : undefined]));
  const events = await store.eventsOfMany(new Map(customerIds.map((id) => [id, from.get(id)?.version ?? 0])));
  return new Map(customerIds.map((id) => [id, Wallet.fold(events.get(id)!, from.get(id))]));
}

/** Each stored order event has a public twin other modules may react to; deposits stay private. */
async function announce(publish: Publish, customerId: string, event: WalletEvent): Promise<void> {
  if (event.type === 'charged') await publish(WalletCharged, { customerId, orderId: event.orderId, amountCents: event.amountCents });
  if (event.type === 'refunded') await publish(WalletRefunded, { customerId, orderId: event.orderId, amountCents: event.amountCents });
}
