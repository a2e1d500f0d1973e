/**
 * A customer's wallet, event-sourced: its state is nothing but the fold of its events. The
 * decisions (`deposit`, `charge`, `refund`) are pure: they read the folded wallet and answer with
 * the events to append, or with a refusal. They never touch a clock or a database, so the rules
 * are testable on their own and the store only has to append what they return.
 */

export type WalletEventType = WalletEvent['type'];

export type WalletEvent =
  | { type: 'deposited'; amountCents: number; at: Date }
  | { type: 'charged'; amountCents: number; orderId: string; at: Date }
  | { type: 'refunded'; amountCents: number; orderId: string; at: Date }
  /**
   * A tombstone: the order was closed (refund asked) before any charge for it arrived. It moves
   * no money; it makes a charge that lands later refuse instead of taking money for a closed order.
   */
  | { type: 'voided'; orderId: string; at: Date };

/** The events that move money: what a statement lists. */
export type Movement = Exclude<WalletEvent, { type: 'voided' }>;

export interface WalletState {
  /** How many events the stream holds; the next event gets `version + 1`. */
  readonly version: number;
  readonly balanceCents: number;
  /** Amount charged per order id: the memory that makes `charge` and `refund` idempotent. */
  readonly charged: ReadonlyMap<string, number>;
  readonly refunded: ReadonlyMap<string, number>;
  /** Orders closed before they were charged: a later charge for them is refused. */
  readonly voided: ReadonlySet<string>;
}

/** A deposit larger than this is a typo or an attack, not a top-up at a café. */
export const MAX_DEPOSIT_CENTS = 1_000_000;
/** Keeps every sum a safe integer and every amount inside a Postgres `integer`. */
export const MAX_BALANCE_CENTS = 1_000_000_000;

export type Decision<R> = { ok: true; events: WalletEvent[]; result: R } | { ok: false; refusal: Refusal };

export type Refusal =
  | { reason: 'insufficient_funds'; balanceCents: number }
  | { reason: 'order_closed'; balanceCents: number }
  | { reason: 'invalid_amount'; detail: string }
  | { reason: 'balance_limit'; balanceCents: number };

/** A refusal raised as an error where the caller's contract has no answer for it. */
export class WalletRefused extends Error {
  override name = 'WalletRefused';
  constructor(readonly refusal: Refusal) {
    super(`The wallet refused: ${refusal.reason}`);
  }
}

export type ChargeOutcome = { outcome: 'charged'; amountCents: number; balanceCents: number };
export type RefundOutcome = { outcome: 'refunded' | 'nothing_to_refund'; amountCents: number; balanceCents: number };

const EMPTY: WalletState = { version: 0, balanceCents: 0, charged: new Map(), refunded: new Map(), voided: new Set() };

/** Folds into fresh maps, copied once per fold rather than once per event: long streams stay linear. */
function foldInto(from: WalletState, events: readonly WalletEvent[]): WalletState {
  let { version, balanceCents } = from;
  const charged = new Map(from.charged);
  const refunded = new Map(from.refunded);
  const voided = new Set(from.voided);
  for (const event of events) {
    version += 1;
    switch (event.type) {
      case 'deposited':
        balanceCents += event.amountCents;
        break;
      case 'charged':
        balanceCents -= event.amountCents;
        charged.set(event.orderId, event.amountCents);
        break;
      case 'refunded':
        balanceCents += event.amountCents;
        refunded.set(event.orderId, event.amountCents);
        break;
      case 'voided':
        voided.add(event.orderId);
        break;
    }
  }
  return { version, balanceCents, charged, refunded, voided };
}

function validAmount(amountCents: number, max: number): string | undefined {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return 'amount must be a positive whole number of cents';
  if (amountCents > max) return `amount must be at most ${max} cents`;
  return undefined;
}

export const Wallet = {
  empty: (): WalletState => EMPTY,

  /** The wallet as its events say it is, in stream order. */
  fold(events: readonly WalletEvent[], from: WalletState = EMPTY): WalletState {
    return foldInto(from, events);
  },

  deposit(wallet: WalletState, amountCents: number, at: Date): Decision<{ balanceCents: number }> {
    const invalid = validAmount(amountCents, MAX_DEPOSIT_CENTS);
    if (invalid) return { ok: false, refusal: { reason: 'invalid_amount', detail: invalid } };
    if (wallet.balanceCents + amountCents > MAX_BALANCE_CENTS) return { ok: false, refusal: { reason: 'balance_limit', balanceCents: wallet.balanceCents } };
    const event: WalletEvent = { type: 'deposited', amountCents, at };
    return { ok: true, events: [event], result: { balanceCents: Wallet.fold([event], wallet).balanceCents } };
  },

  /**
   * Pays for an order. A second charge for the same order appends nothing and gives the first
   * answer again (with the amount first charged), even after a refund: no order is paid twice.
   * An order closed before it was charged is refused, however late its charge arrives.
   */
  charge(wallet: WalletState, orderId: string, amountCents: number, at: Date): Decision<ChargeOutcome> {
    const earlier = wallet.charged.get(orderId);
    if (earlier !== undefined) return { ok: true, events: [], result: { outcome: 'charged', amountCents: earlier, balanceCents: wallet.balanceCents } };
    if (wallet.voided.has(orderId)) return { ok: false, refusal: { reason: 'order_closed', balanceCents: wallet.balanceCents } };
    if (!Number.isSafeInteger(amountCents) || amountCents <= 0) return { ok: false, refusal: { reason: 'invalid_amount', detail: 'amount must be a positive whole number of cents' } };
    // The one rule event sourcing must protect: the balance never goes below zero.
    if (amountCents > wallet.balanceCents) return { ok: false, refusal: { reason: 'insufficient_funds', balanceCents: wallet.balanceCents } };
    const event: WalletEvent = { type: 'charged', amountCents, orderId, at };
    return { ok: true, events: [event], result: { outcome: 'charged', amountCents, balanceCents: wallet.balanceCents - amountCents } };
  },

  /**
   * Gives back what was charged for the order, once. An uncharged order has nothing to refund;
   * the refund is how the order's owner says it is closed, so the first such answer leaves a
   * tombstone that keeps a charge still on its way from taking the money afterwards.
   */
  refund(wallet: WalletState, orderId: string, at: Date): Decision<RefundOutcome> {
    const charged = wallet.charged.get(orderId);
    if (charged === undefined) {
      const events: WalletEvent[] = wallet.voided.has(orderId) ? [] : [{ type: 'voided', orderId, at }];
      return { ok: true, events, result: { outcome: 'nothing_to_refund', amountCents: 0, balanceCents: wallet.balanceCents } };
    }
    const earlier = wallet.refunded.get(orderId);
    if (earlier !== undefined) return { ok: true, events: [], result: { outcome: 'refunded', amountCents: earlier, balanceCents: wallet.balanceCents } };
    const event: WalletEvent = { type: 'refunded', amountCents: charged, orderId, at };
    return { ok: true, events: [event], result: { outcome: 'refunded', amountCents: charged, balanceCents: wallet.balanceCents + charged } };
  },
};
