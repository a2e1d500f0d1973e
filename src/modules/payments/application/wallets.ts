import type { Publish, Tx } from '../../../shared/index.ts';
import { ConcurrencyConflict, type WalletEventStore } from '../db/wallet-event-store.ts';
import { Wallet, WalletRefused, type Decision, type Refusal, type WalletEvent, type WalletState } from '../domain/wallet.ts';
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

/** A command's answer: what it did, or why the wallet refused it. */
export type Outcome<R> = { ok: true; result: R } | { ok: false; refusal: Refusal };

export interface HistoryEntry {
  type: WalletEvent['type'];
  amountCents: number;
  orderId?: string;
  at: string;
}

/**
 * payments' use cases. Every command follows the same loop: load the stream, fold it, let the
 * pure wallet decide, append the new events at the version it read and publish their public
 * counterparts through the outbox, all in one unit of work. If another writer appended first,
 * the append conflicts, the unit of work rolls back, and the command starts over on fresh state.
 */
export class Wallets {
  private readonly policy: ConflictPolicy;
  private readonly clock: () => Date;
  private readonly onConflict: (customerId: string, attempt: number) => void;

  constructor(
    private readonly store: WalletEventStore,
    private readonly unitOfWork: UnitOfWork,
    options: { policy?: ConflictPolicy; clock?: () => Date; onConflict?: (customerId: string, attempt: number) => void } = {},
  ) {
    this.policy = options.policy ?? { maxAttempts: 30, maxJitterMs: 25 };
    this.clock = options.clock ?? (() => new Date());
    this.onConflict = options.onConflict ?? (() => {});
  }

  deposit(customerId: string, amountCents: number): Promise<Outcome<{ balanceCents: number }>> {
    return this.decide(customerId, (wallet, at) => Wallet.deposit(wallet, amountCents, at));
  }

  async charge(input: { customerId: string; orderId: string; amountCents: number }): Promise<ChargeResult> {
    const decided = await this.decide(input.customerId, (wallet, at) => Wallet.charge(wallet, input.orderId, input.amountCents, at));
    if (decided.ok) return decided.result;
    if (decided.refusal.reason === 'insufficient_funds') return { outcome: 'declined', reason: 'insufficient_funds', balanceCents: decided.refusal.balanceCents };
    // The contract's input rules leave no other refusal; should one appear, it is payments' own error.
    throw new WalletRefused(decided.refusal);
  }

  async refund(input: { customerId: string; orderId: string }): Promise<RefundResult> {
    const decided = await this.decide(input.customerId, (wallet, at) => Wallet.refund(wallet, input.orderId, at));
    if (!decided.ok) throw new WalletRefused(decided.refusal);
    return decided.result;
  }

  async balance(customerId: string): Promise<{ balanceCents: number }> {
    return { balanceCents: Wallet.fold(await this.store.load(customerId)).balanceCents };
  }

  /** The balance and the events it was folded from, oldest first: a bank statement. */
  async statement(customerId: string): Promise<{ balanceCents: number; history: HistoryEntry[] }> {
    const events = await this.store.load(customerId);
    return {
      balanceCents: Wallet.fold(events).balanceCents,
      history: events.map((e) => ({ type: e.type, amountCents: e.amountCents, ...(e.type === 'deposited' ? {} : { orderId: e.orderId }), at: e.at.toISOString() })),
    };
  }

  private async decide<R>(customerId: string, rule: (wallet: WalletState, at: Date) => Decision<R>): Promise<Outcome<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.unitOfWork(async (tx, publish) => {
          const store = this.store.with(tx);
          const wallet = Wallet.fold(await store.load(customerId));
          const decision = rule(wallet, this.clock());
          if (!decision.ok) return decision;
          await store.append(customerId, wallet.version, decision.events);
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

/** Each stored order event has a public twin other modules may react to; deposits stay private. */
async function announce(publish: Publish, customerId: string, event: WalletEvent): Promise<void> {
  if (event.type === 'charged') await publish(WalletCharged, { customerId, orderId: event.orderId, amountCents: event.amountCents });
  if (event.type === 'refunded') await publish(WalletRefunded, { customerId, orderId: event.orderId, amountCents: event.amountCents });
}
