import { EventEmitter } from 'node:events';
import type { Metrics } from '../metrics.ts';
import type { Envelope } from './contract.ts';
import type { DeliveryResult } from './transport.ts';

export type BusObservation =
  | { kind: 'published'; envelope: Envelope }
  | { kind: 'handled'; subscription: string; envelope: Envelope; outcome: DeliveryResult['outcome'] }
  | { kind: 'failed'; subscription: string; envelope: Envelope; attempt: number; error: unknown }
  | { kind: 'dead-lettered'; subscription: string; envelope: Envelope };

/**
 * Every delivery outcome is counted and told to observers in the same call, so the metrics and
 * what tests (`scenario`) watch can never disagree about what happened.
 */
export class Observations {
  private readonly observers = new EventEmitter();

  constructor(private readonly metrics: Metrics) {
    this.observers.setMaxListeners(0);
  }

  observe(listener: (o: BusObservation) => void): () => void {
    this.observers.on('observation', listener);
    return () => this.observers.off('observation', listener);
  }

  published(envelope: Envelope): void {
    this.metrics.eventsPublished.inc({ type: envelope.type });
    this.emit({ kind: 'published', envelope });
  }

  handled(subscription: string, envelope: Envelope, outcome: DeliveryResult['outcome']): DeliveryResult {
    this.metrics.eventsHandled.inc({ subscription, type: envelope.type, outcome });
    // End to end: the publisher's clock to ours; a duplicate says nothing about how long the event took.
    if (outcome === 'handled') this.metrics.eventLatency.observe({ subscription }, Math.max(0, Date.now() - Date.parse(envelope.occurredAt)) / 1000);
    this.emit({ kind: 'handled', subscription, envelope, outcome });
    return { outcome };
  }

  failed(subscription: string, envelope: Envelope, attempt: number, error: unknown): void {
    this.metrics.handlerFailures.inc({ subscription, type: envelope.type });
    this.emit({ kind: 'failed', subscription, envelope, attempt, error });
  }

  deadLettered(subscription: string, envelope: Envelope): void {
    this.metrics.deadLettered.inc({ subscription });
    this.emit({ kind: 'dead-lettered', subscription, envelope });
  }

  private emit(o: BusObservation): void {
    // Outside tests nobody listens, and the delivery hot path should not pay for the emit.
    if (this.observers.listenerCount('observation') > 0) this.observers.emit('observation', o);
  }
}
