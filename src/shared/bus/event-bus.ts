import { randomUUID } from 'node:crypto';
import type { Db, Executor, Tx } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Envelope, EventContract } from './contract.ts';
import { DeadLetters, type DeadLetter } from './dead-letters.ts';
import { Delivery } from './delivery.ts';
import { History } from './history.ts';
import { Observations, type BusObservation } from './observations.ts';
import { Outbox, type OutboxWriter } from './outbox.ts';
import { Registry } from './registry.ts';
import { Relay, type RelayOptions } from './relay.ts';
import type { Publish, Subscription } from './subscription.ts';
import type { BusTables } from './tables.ts';
import type { BatchOutcome, DeliveryResult, Transport } from './transport.ts';

export { BatchAborted } from './batch-delivery.ts';
export type { BatchOutcome, BusObservation, DeadLetter, OutboxWriter };

export interface BusOptions extends RelayOptions {
  retentionHours: number;
  /** Whether outbox writes NOTIFY the relays (Postgres only). */
  notifies: boolean;
}

/**
 * The kernel's event bus, and the one object the kernel and tests hold. It only wires the parts,
 * each in a file named for its job, so a reader can go straight to the one they need:
 *
 *   outbox.ts          publish inside a unit of work
 *   relay.ts           claim outbox rows under a lease and hand them to the transport
 *   delivery.ts        the deliverer transports call: inbox check, handler transaction, dead letter
 *   batch-delivery.ts  many first attempts in one transaction (the in-process throughput path)
 *   inbox.ts           the inbox rows that make redelivery a no-op
 *   dead-letters.ts    list and replay what was given up on
 *   history.ts         retained events, for projection rebuilds
 *   registry.ts        the modules and subscriptions this process hosts
 *   envelope.ts        envelopes to and from rows
 *   observations.ts    outcome metrics and what tests observe
 */
export class EventBus {
  private readonly registry = new Registry();
  private readonly observations: Observations;
  private readonly relay: Relay;
  private readonly outbox: Outbox;
  private readonly delivery: Delivery;
  private readonly letters: DeadLetters;
  private readonly events: History;
  private running = false;

  constructor(
    readonly transport: Transport,
    options: BusOptions,
    logger: Logger,
    metrics: Metrics,
  ) {
    this.observations = new Observations(metrics);
    const origin = randomUUID();
    this.relay = new Relay(this.registry, transport, { ...options, origin }, this.observations, logger, metrics);
    this.outbox = new Outbox(this.registry, { notifies: options.notifies, origin, leaseSeconds: options.leaseSeconds }, this.relay);
    this.letters = new DeadLetters(this.registry, transport, this.observations, logger);
    this.delivery = new Delivery(this.registry, this.outbox, this.letters, this.observations, metrics);
    this.events = new History(this.registry, options.retentionHours, logger);
  }

  registerModule(module: string, db: Db, tables: BusTables, publishes: readonly EventContract[]): void {
    this.registry.registerModule(module, db, tables, publishes);
  }

  /** Events of this type published here also go to a subscription hosted in another process. */
  addRemoteSubscription(subscription: string, eventType: string): void {
    this.registry.addRemoteSubscription(subscription, eventType);
  }

  addSubscription(module: string, subscription: Subscription): void {
    this.registry.addSubscription(module, subscription);
  }

  subscriptionNames(): string[] {
    return this.registry.subscriptionNames();
  }

  /** A module's subscriptions with the event type each handles (what a projection rebuild replays). */
  subscriptionsOf(module: string): { name: string; type: string }[] {
    return this.registry.subscriptionsOf(module);
  }

  outboxWriter(module: string): OutboxWriter {
    return this.outbox.writer(module);
  }

  publisher(module: string, tx: Executor): Publish {
    return this.outbox.publisher(module, tx);
  }

  /** Runs `work` in one transaction of the module's database and wakes the relay after commit. */
  unitOfWork<T>(module: string, work: (tx: Tx, publish: Publish) => Promise<T>): Promise<T> {
    return this.outbox.unitOfWork(module, work);
  }

  observe(listener: (o: BusObservation) => void): () => void {
    return this.observations.observe(listener);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.transport.start(this.delivery);
    await this.relay.start();
    await this.events.startPruning();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.events.stopPruning();
    await this.relay.halt();
    await this.transport.stop();
    // After the transport: hand-overs it was still running end there, and their marks follow.
    await this.relay.drained();
  }

  wake(module: string): void {
    this.relay.wake(module);
  }

  deliver(subscription: string, envelope: Envelope, attempt: number, final: boolean): Promise<DeliveryResult> {
    return this.delivery.deliver(subscription, envelope, attempt, final);
  }

  deliverBatch(subscription: string, envelopes: readonly Envelope[]): Promise<BatchOutcome[]> {
    return this.delivery.deliverBatch(subscription, envelopes);
  }

  deadLetters(): Promise<DeadLetter[]> {
    return this.letters.list();
  }

  /** Hands a dead letter back to its subscription; false when there is no such dead letter. */
  replay(eventId: string, subscription: string): Promise<boolean> {
    return this.letters.replay(eventId, subscription);
  }

  /**
   * Published events of the given types, oldest first, from every module's outbox (retained
   * history and not-yet-dispatched rows alike): what projections rebuild from.
   */
  history(types: readonly string[]): Promise<Envelope[]> {
    return this.events.read(types);
  }

  /** Undispatched rows per module: surfaced in health and metrics. */
  backlog(): Promise<Record<string, number>> {
    return this.relay.backlog();
  }

  /** Undispatched rows and the oldest one's age per module: what the outbox alerts watch. */
  outboxLag(): Promise<Record<string, { undispatched: number; oldestAgeSeconds: number }>> {
    return this.relay.lag();
  }

  /** Dead letters waiting, per subscription hosted here. */
  deadLetterCounts(): Promise<Record<string, number>> {
    return this.letters.counts();
  }
}
