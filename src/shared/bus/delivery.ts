import { runInContext } from '../context.ts';
import type { Metrics } from '../metrics.ts';
import { deliverBatch } from './batch-delivery.ts';
import type { Envelope } from './contract.ts';
import type { DeadLetters } from './dead-letters.ts';
import { handlerContext } from './envelope.ts';
import { claimInbox, DuplicateDelivery, isHandled } from './inbox.ts';
import type { Observations } from './observations.ts';
import type { Outbox } from './outbox.ts';
import type { Registry } from './registry.ts';
import { handlerSpan, outcome, transactionSpan } from './spans.ts';
import type { Commit } from './subscription.ts';
import type { Span } from '../telemetry/tracer.ts';
import { DeadLetterNotRecorded, type BatchOutcome, type Deliverer, type DeliveryResult } from './transport.ts';

/**
 * The deliverer every transport hands envelopes to. Transports only move envelopes and decide
 * when to try again; the inbox check, the handler's transaction and the dead letter happen here,
 * so exactly-once effects do not depend on which transport is configured.
 */
export class Delivery implements Deliverer {
  constructor(
    private readonly registry: Registry,
    private readonly outbox: Outbox,
    private readonly deadLetters: DeadLetters,
    private readonly observations: Observations,
    private readonly metrics: Metrics,
  ) {}

  subscriptions(): readonly string[] {
    return this.registry.subscriptionNames();
  }

  subscriptionsFor(eventType: string): readonly string[] {
    return this.registry.subscriptionsFor(eventType);
  }

  /**
   * One attempt. The handler's effects and its 'done' inbox row commit in one transaction, and
   * the inbox is checked first so a redelivery does not even run the handler. On the final
   * attempt a failure is dead-lettered before it is rethrown.
   */
  async deliver(subscriptionName: string, envelope: Envelope, attempt: number, final: boolean): Promise<DeliveryResult> {
    return handlerSpan(subscriptionName, envelope, attempt, final, (span) => this.attempt(subscriptionName, envelope, attempt, final, span));
  }

  private async attempt(subscriptionName: string, envelope: Envelope, attempt: number, final: boolean, span: Span): Promise<DeliveryResult> {
    const runtime = this.registry.subscription(subscriptionName);
    const { module, subscription } = runtime;
    const started = performance.now();
    try {
      if (await isHandled(runtime, envelope)) return this.duplicate(span, subscriptionName, envelope);

      const payload = subscription.event.payload.parse(envelope.payload);
      let committed = false;
      const writer = this.outbox.writer(module.module);
      const commit: Commit = async (effects) => {
        if (committed) throw new Error(`${subscriptionName} called commit twice`);
        committed = true;
        return transactionSpan(module.module, () =>
          module.db.transaction(async (tx) => {
            const claimed = await claimInbox(tx, runtime, [envelope], attempt);
            if (claimed.size === 0) throw new DuplicateDelivery();
            const value = await effects(tx, writer.publish);
            await writer.flush(tx);
            return value;
          }),
        );
      };
      await runInContext(handlerContext(envelope), async () => {
        await subscription.handle(payload, { envelope, attempt, commit });
        if (!committed) await commit(async () => undefined);
      });
      this.outbox.committed(module.module, writer);
      this.metrics.handlerDuration.observe({ subscription: subscriptionName }, (performance.now() - started) / 1000);
      outcome(span, 'handled');
      return this.observations.handled(subscriptionName, envelope, 'handled');
    } catch (err) {
      if (err instanceof DuplicateDelivery) return this.duplicate(span, subscriptionName, envelope);
      outcome(span, 'failed');
      this.observations.failed(subscriptionName, envelope, attempt, err);
      if (final) {
        try {
          await this.deadLetters.record(runtime, envelope, attempt, err);
          outcome(span, 'dead-lettered');
        } catch (recordErr) {
          throw new DeadLetterNotRecorded(subscriptionName, envelope.id, recordErr);
        }
      }
      throw err;
    }
  }

  private duplicate(span: Span, subscription: string, envelope: Envelope): DeliveryResult {
    outcome(span, 'duplicate');
    return this.observations.handled(subscription, envelope, 'duplicate');
  }

  async deliverBatch(subscriptionName: string, envelopes: readonly Envelope[]): Promise<BatchOutcome[]> {
    return deliverBatch(
      { outbox: this.outbox, observations: this.observations, metrics: this.metrics },
      this.registry.subscription(subscriptionName),
      envelopes,
    );
  }
}
