import type { Envelope } from './contract.ts';

export interface DeliveryResult {
  outcome: 'handled' | 'duplicate';
}

/**
 * Per envelope of a batch: 'handled' (done or duplicate), `{ failed }` (its first attempt failed
 * with that error: retry after backoff) or 'aborted' (rolled back with the batch: deliver it on
 * its own now, still as a first attempt).
 */
export type BatchOutcome = 'handled' | 'aborted' | { failed: unknown };

export const isFailed = (o: BatchOutcome): o is { failed: unknown } => typeof o === 'object';

/**
 * What a transport delivers to: the subscriptions of this process and the bus's deliverer
 * for them. Transports differ in which parts they need (a queue per subscription needs the
 * whole list up front, an in-process fan-out asks per event type, only in-process batches), so
 * they get one object and take what they use.
 */
export interface Deliverer {
  /** Every subscription in this process: queue-backed transports consume each one. */
  subscriptions(): readonly string[];
  /** The subscriptions an event of this type goes to. */
  subscriptionsFor(eventType: string): readonly string[];
  /**
   * One attempt of one subscription's handler, inbox check included. `final` says it is the
   * last attempt: on failure the dead letter is recorded before the error is rethrown, and
   * `DeadLetterNotRecorded` is thrown instead when it could not be.
   */
  deliver(subscription: string, envelope: Envelope, attempt: number, final: boolean): Promise<DeliveryResult>;
  /**
   * First attempts of several envelopes for one subscription in one transaction, one outcome
   * per envelope in order. Never a final attempt, so it writes no dead letters. Optional: a
   * transport delivers one by one when it is missing.
   */
  deliverBatch?(subscription: string, envelopes: readonly Envelope[]): Promise<BatchOutcome[]>;
}

export type Deliver = Deliverer['deliver'];

/**
 * The final attempt failed and so did writing its dead letter (typically: the database is down).
 * The transport must not treat the event as settled, or it would be lost without a trace.
 */
export class DeadLetterNotRecorded extends Error {
  override name = 'DeadLetterNotRecorded';
  constructor(
    readonly subscription: string,
    readonly eventId: string,
    override readonly cause: unknown,
  ) {
    super(`could not dead-letter ${eventId} for ${subscription}`);
  }
}

export interface TransportHealth {
  ok: boolean;
  detail?: string;
}

/**
 * Moves envelopes from the relay to subscriptions. Implementations must give at-least-once
 * delivery, retries with backoff up to `maxAttempts`, and graceful stop; deduplication and
 * dead-letter records are the deliverer's job, so every transport gets them the same way.
 */
export interface Transport {
  readonly name: string;
  start(deliverer: Deliverer): Promise<void>;
  /** Resolves once the transport has taken responsibility for every subscription's delivery. */
  dispatch(envelope: Envelope): Promise<void>;
  /** Delivers a dead-lettered envelope to one subscription again, with a fresh retry budget. */
  replay(subscription: string, envelope: Envelope): Promise<void>;
  health(): Promise<TransportHealth>;
  /** Stops taking work and waits for handlers already running. */
  stop(): Promise<void>;
}

export interface RetryPolicy {
  maxAttempts: number;
  backoffMs: number;
}

/** Exponential backoff with full jitter on the upper half, capped at 30 s. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(30_000, policy.backoffMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
