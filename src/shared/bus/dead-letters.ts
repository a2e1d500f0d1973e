import type { Logger } from '../logger.ts';
import type { Envelope } from './contract.ts';
import { deadCounts, deadRows, markDead } from './inbox.ts';
import type { Observations } from './observations.ts';
import type { Registry, SubscriptionRuntime } from './registry.ts';
import type { Transport } from './transport.ts';

export interface DeadLetter {
  eventId: string;
  subscription: string;
  module: string;
  type: string;
  attempts: number;
  lastError: string | null;
  failedAt: string;
  envelope: Envelope;
}

/**
 * Events a subscription gave up on. They live in the subscriber's own inbox, written by the
 * deliverer rather than the transport, so listing and replaying work the same on every transport.
 */
export class DeadLetters {
  constructor(
    private readonly registry: Registry,
    private readonly transport: Transport,
    private readonly observations: Observations,
    private readonly logger: Logger,
  ) {}

  async record(runtime: SubscriptionRuntime, envelope: Envelope, attempts: number, err: unknown): Promise<void> {
    const subscription = runtime.subscription.name;
    await markDead(runtime, envelope, attempts, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    this.logger.error({ err, subscription, eventId: envelope.id, type: envelope.type, attempts }, 'event dead-lettered');
    this.observations.deadLettered(subscription, envelope);
  }

  async list(): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    for (const m of this.registry.subscribers()) {
      for (const r of await deadRows(m)) {
        out.push({ eventId: r.eventId, subscription: r.subscription, module: m.module, type: r.envelope.type, attempts: r.attempts, lastError: r.lastError, failedAt: r.failedAt, envelope: r.envelope });
      }
    }
    return out;
  }

  async counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const m of this.registry.subscribers()) Object.assign(out, await deadCounts(m, this.registry.subscriptionsOf(m.module).map((s) => s.name)));
    return out;
  }

  /** Hands a dead letter back to its subscription; false when there is no such dead letter. */
  async replay(eventId: string, subscription: string): Promise<boolean> {
    const letter = (await this.list()).find((d) => d.eventId === eventId && d.subscription === subscription);
    if (!letter) return false;
    this.logger.info({ eventId, subscription }, 'replaying dead letter');
    await this.transport.replay(subscription, letter.envelope);
    return true;
  }
}
