import type { Logger } from '../logger.ts';
import type { Envelope } from './contract.ts';
import { backoffDelay, DeadLetterNotRecorded, type BatchOutcome, type Deliverer, type RetryPolicy, type Transport, type TransportHealth } from './transport.ts';

class StoppedError extends Error {
  constructor() {
    super('transport stopped');
  }
}

interface Queued {
  envelope: Envelope;
  settle(outcome: BatchOutcome | Error): void;
}

/**
 * Delivers in this process. Durability comes from the outbox: the relay marks a row dispatched
 * only when `dispatch` resolves, i.e. after every subscription handled it or dead-lettered it,
 * so a crash mid-way leaves the row to be claimed again (and the inbox absorbs the repeat).
 */
export class InProcessTransport implements Transport {
  readonly name = 'inprocess';
  private deliverer?: Deliverer;
  /** Whether first attempts go through `deliverBatch`. */
  private batching = false;
  private stopping = false;
  private readonly running = new Set<Promise<unknown>>();
  private readonly sleepers = new Set<{ timer: ReturnType<typeof setTimeout>; reject: (e: Error) => void }>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** First attempts waiting to be batched, per subscription. */
  private readonly queued = new Map<string, Queued[]>();
  private readonly draining = new Map<string, number>();

  constructor(
    private readonly policy: RetryPolicy & { concurrency: number; batchSize?: number },
    private readonly logger: Logger,
  ) {}

  async start(deliverer: Deliverer): Promise<void> {
    this.deliverer = deliverer;
    // A batch is never a final attempt, so with a budget of one attempt every delivery goes alone.
    this.batching = deliverer.deliverBatch !== undefined && this.policy.maxAttempts > 1 && (this.policy.batchSize ?? 64) > 1;
    this.stopping = false;
  }

  async dispatch(envelope: Envelope): Promise<void> {
    const subs = this.deliverer?.subscriptionsFor(envelope.type) ?? [];
    await Promise.all(subs.map((s) => this.track(this.deliverFirstInBatch(s, envelope))));
  }

  /**
   * First attempts wait one tick in a per-subscription queue so the relay's whole claim becomes a
   * few transactions instead of one per event; retries and failures take the single path.
   */
  private async deliverFirstInBatch(subscription: string, envelope: Envelope): Promise<void> {
    if (!this.batching) return this.deliverWithRetries(subscription, envelope);
    const outcome = await new Promise<BatchOutcome | Error>((settle) => {
      let queue = this.queued.get(subscription);
      if (!queue) this.queued.set(subscription, (queue = []));
      queue.push({ envelope, settle });
      if (queue.length === 1) setImmediate(() => this.drain(subscription));
    });
    if (outcome instanceof Error) throw outcome;
    if (outcome === 'handled') return;
    if (outcome === 'aborted') return this.deliverWithRetries(subscription, envelope, 1);
    this.logger.warn({ err: outcome.failed, subscription, eventId: envelope.id, type: envelope.type, attempt: 1 }, 'handler failed, will retry');
    await this.sleep(backoffDelay(this.policy, 1));
    return this.deliverWithRetries(subscription, envelope, 2);
  }

  private drain(subscription: string): void {
    const queue = this.queued.get(subscription);
    const maxParallel = Math.max(1, Math.floor(this.policy.concurrency / 4));
    while (queue && queue.length > 0 && (this.draining.get(subscription) ?? 0) < maxParallel) {
      const batch = queue.splice(0, this.policy.batchSize ?? 64);
      this.draining.set(subscription, (this.draining.get(subscription) ?? 0) + 1);
      void this.runBatch(subscription, batch).finally(() => {
        this.draining.set(subscription, (this.draining.get(subscription) ?? 1) - 1);
        if ((this.queued.get(subscription)?.length ?? 0) > 0) this.drain(subscription);
      });
    }
  }

  private async runBatch(subscription: string, batch: Queued[]): Promise<void> {
    await this.acquire();
    try {
      if (this.stopping) {
        for (const b of batch) b.settle(new StoppedError());
        return;
      }
      const outcomes = await this.deliverer!.deliverBatch!(subscription, batch.map((b) => b.envelope));
      batch.forEach((b, i) => b.settle(outcomes[i] ?? 'aborted'));
    } catch (err) {
      // The batch machinery itself failed (e.g. the database is unreachable): each goes alone.
      this.logger.warn({ err, subscription, size: batch.length }, 'batch delivery failed; delivering one by one');
      for (const b of batch) b.settle('aborted');
    } finally {
      this.release();
    }
  }

  async replay(subscription: string, envelope: Envelope): Promise<void> {
    // Replay answers once the transport has the work, like a queue would; the outcome shows in the inbox.
    void this.track(this.deliverWithRetries(subscription, envelope)).catch((err: unknown) => {
      if (!(err instanceof StoppedError)) this.logger.error({ err, subscription, eventId: envelope.id }, 'replay failed');
    });
  }

  async health(): Promise<TransportHealth> {
    return { ok: true, detail: `${this.active} handlers running` };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Queued first attempts have not started: their dispatch fails and the outbox keeps them.
    for (const queue of this.queued.values()) for (const b of queue.splice(0)) b.settle(new StoppedError());
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.reject(new StoppedError());
    }
    this.sleepers.clear();
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.allSettled([...this.running]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => {});
    return p;
  }

  private async deliverWithRetries(subscription: string, envelope: Envelope, firstAttempt = 1): Promise<void> {
    for (let attempt = firstAttempt; ; attempt++) {
      if (this.stopping) throw new StoppedError();
      const final = attempt >= this.policy.maxAttempts;
      await this.acquire();
      try {
        if (this.stopping) throw new StoppedError();
        await this.deliverer!.deliver(subscription, envelope, attempt, final);
        return;
      } catch (err) {
        if (err instanceof StoppedError) throw err;
        // The deliverer has written the dead letter on the final attempt; the relay may move on.
        // If it could not, failing the dispatch keeps the event in the outbox for a later round.
        if (final && !(err instanceof DeadLetterNotRecorded)) return;
        if (final) throw err;
        this.logger.warn({ err, subscription, eventId: envelope.id, type: envelope.type, attempt }, 'handler failed, will retry');
      } finally {
        this.release();
      }
      await this.sleep(backoffDelay(this.policy, attempt));
    }
  }

  private async acquire(): Promise<void> {
    while (this.active >= this.policy.concurrency && !this.stopping) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve();
        }, ms),
        reject,
      };
      this.sleepers.add(sleeper);
    });
  }
}
