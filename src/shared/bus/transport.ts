import type { Envelope } from './contract.ts';

export interface DeliveryResult {
  outcome: 'handled' | 'duplicate';
}

/**
 * Runs one subscription's handler for one envelope. `final` tells it this is the last attempt,
 * so on failure it records a dead letter before rethrowing.
 */
export type Deliver = (subscription: string, envelope: Envelope, attempt: number, final: boolean) => Promise<DeliveryResult>;

/**
 * First attempts of several envelopes for one subscription in one transaction. Per envelope:
 * 'handled' (done or duplicate), 'failed' (its first attempt failed: retry after backoff) or
 * 'aborted' (rolled back with the batch: deliver it on its own now, still as a first attempt).
 */
export type DeliverBatch = (subscription: string, envelopes: readonly Envelope[]) => Promise<('handled' | 'failed' | 'aborted')[]>;

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
  /** `subscriptions` names every subscription in this process (queue-backed transports consume them all). */
  start(
    deliver: Deliver,
    subscriptionsFor: (eventType: string) => readonly string[],
    subscriptions?: readonly string[],
    deliverBatch?: DeliverBatch,
  ): Promise<void>;
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
