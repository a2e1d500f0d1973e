import type { Logger } from '../logger.ts';
import type { Envelope } from './contract.ts';
import { backoffDelay, DeadLetterNotRecorded, type Deliver, type RetryPolicy, type Transport, type TransportHealth } from './transport.ts';

class StoppedError extends Error {
  constructor() {
    super('transport stopped');
  }
}

/**
 * Delivers in this process. Durability comes from the outbox: the relay marks a row dispatched
 * only when `dispatch` resolves, i.e. after every subscription handled it or dead-lettered it,
 * so a crash mid-way leaves the row to be claimed again (and the inbox absorbs the repeat).
 */
export class InProcessTransport implements Transport {
  readonly name = 'inprocess';
  private deliver?: Deliver;
  private subscriptionsFor: (type: string) => readonly string[] = () => [];
  private stopping = false;
  private readonly running = new Set<Promise<unknown>>();
  private readonly sleepers = new Set<{ timer: ReturnType<typeof setTimeout>; reject: (e: Error) => void }>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly policy: RetryPolicy & { concurrency: number },
    private readonly logger: Logger,
  ) {}

  async start(deliver: Deliver, subscriptionsFor: (eventType: string) => readonly string[]): Promise<void> {
    this.deliver = deliver;
    this.subscriptionsFor = subscriptionsFor;
    this.stopping = false;
  }

  async dispatch(envelope: Envelope): Promise<void> {
    const subs = this.subscriptionsFor(envelope.type);
    await Promise.all(subs.map((s) => this.track(this.deliverWithRetries(s, envelope))));
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

  private async deliverWithRetries(subscription: string, envelope: Envelope): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) throw new StoppedError();
      const final = attempt >= this.policy.maxAttempts;
      await this.acquire();
      try {
        if (this.stopping) throw new StoppedError();
        await this.deliver!(subscription, envelope, attempt, final);
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
