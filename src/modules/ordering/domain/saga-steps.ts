/**
 * The order saga's step rules: which step is owed next, given what the saga owes now, where the
 * order stands and what just happened. Pure, like the Order aggregate: the saga's runner reads
 * the saga and the order under lock, asks `nextStep`, and stores what it answers.
 */
import { TERMINAL, type OrderReason, type OrderStatus } from './order.ts';

/** `charge`: payments is to be asked for the money; `refund`: the compensation, money back. */
export type SagaStep = 'charge' | 'refund';

/** What the saga's row says is owed. */
export interface SagaPosition {
  readonly step: SagaStep | null;
  /** The reason the order is CANCELLED with once the refund is done; null: the order is already settled. */
  readonly compensationReason: OrderReason | null;
}

/** A placed order owes its charge first. */
export const FIRST_STEP: SagaStep = 'charge';

export type SagaEvent =
  /** Payments' answers to a charge. */
  | 'charged'
  | 'declined'
  /** The order stopped waiting for its money before the charge was asked (it was settled meanwhile). */
  | 'nothing-to-pay'
  /** Payments' answers to a refund; `nothing-to-refund` when the order was never charged. */
  | 'refunded'
  | 'nothing-to-refund'
  | 'customer-cancelled'
  | 'ticket-rejected';

export type NextStep =
  /** Nothing is owed any more. */
  | { readonly kind: 'done' }
  /** The refund is owed from now on (due at once, attempts start over). */
  | { readonly kind: 'refund'; readonly compensationReason: OrderReason | null }
  /** The owed step stays as it is (someone else owns what comes next). */
  | { readonly kind: 'unchanged' };

export interface StepDecision {
  readonly next: NextStep;
  /** The move the event settles the order with, if any. */
  readonly order?: { readonly to: OrderStatus; readonly reason: OrderReason | null };
  /** Payments holds money for this order: recorded, so it is never forgotten. */
  readonly charged: boolean;
}

const done: NextStep = { kind: 'done' };
const unchanged: NextStep = { kind: 'unchanged' };

export function nextStep(saga: SagaPosition, status: OrderStatus, event: SagaEvent): StepDecision {
  const charging = saga.step === 'charge' && status === 'PENDING';
  switch (event) {
    case 'charged':
      if (charging) return { next: done, order: { to: 'PAID', reason: null }, charged: true };
      // The order was settled without this charge (cancelled while it was in flight): the money goes back.
      if (saga.step === null) return { next: { kind: 'refund', compensationReason: null }, charged: true };
      // A cancellation is under way: the refund it owes runs after this.
      return { next: unchanged, charged: true };
    case 'declined':
      if (charging) return { next: done, order: { to: 'REJECTED', reason: 'payment_declined' }, charged: false };
      return { next: unchanged, charged: false };
    case 'nothing-to-pay':
      // Whatever settled the order owns what comes next; only a charge still owed is dropped.
      return { next: saga.step === 'charge' ? done : unchanged, charged: false };
    case 'refunded':
    case 'nothing-to-refund':
      if (saga.step !== 'refund') return { next: unchanged, charged: false };
      // Only now, with the money back, may the order say CANCELLED.
      if (saga.compensationReason !== null && status !== 'CANCELLED') {
        return { next: done, order: { to: 'CANCELLED', reason: saga.compensationReason }, charged: false };
      }
      return { next: done, charged: false };
    case 'customer-cancelled':
      // A compensation already owed keeps its reason (the barista's rejection came first).
      return { next: { kind: 'refund', compensationReason: saga.step === 'refund' ? saga.compensationReason : 'customer_cancelled' }, charged: false };
    case 'ticket-rejected':
      if (TERMINAL.includes(status) || saga.step === 'refund') return { next: unchanged, charged: false };
      return { next: { kind: 'refund', compensationReason: 'out_of_stock' }, charged: false };
  }
}

/** A compensation under way wins over a late progress event from the barista. */
export function mirrorsProgress(saga: SagaPosition | undefined): boolean {
  return saga?.step !== 'refund';
}

/** A free order is paid by placing it: payments refuses to charge nothing, so it is never asked. */
export function needsCharge(totalCents: number): boolean {
  return totalCents > 0;
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * A step that could not run (payments unreachable, a busy database, a bug) leaves what is owed as
 * it is and is tried again after this delay: doubling with jitter, capped, so a payments outage is
 * not hammered by every waiting order at once.
 */
export function retryDelay(policy: RetryPolicy, attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 20));
  return Math.round(exp * (0.75 + random() * 0.25));
}
