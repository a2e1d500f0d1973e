import { uuidv7 } from 'uuidv7';
import type { Logger } from '../../../shared/index.ts';
import type { SagaState, SagaStore } from '../db/saga-store.ts';
import type { SagaRunner } from './saga-runner.ts';

export interface SchedulerOptions {
  pollMs: number;
  batchSize: number;
  leaseSeconds: number;
}

/**
 * Runs the saga's owed steps. The steps live in the database, not in memory: the scheduler
 * claims due ones with a lease (skip-locked, so several processes share the work), runs them and
 * sleeps until the next poll or until someone wakes it (a new order, a ticket rejection). A step
 * whose process died is claimed again once its lease runs out, so the saga survives a restart.
 */
export class SagaScheduler {
  private running = false;
  private loop?: Promise<void>;
  private woken = false;
  private wakeUp?: () => void;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly sagas: SagaStore,
    private readonly runner: SagaRunner,
    private readonly options: SchedulerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inflight]);
  }

  /** Asks for a look at due steps now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  get leaseSeconds(): number {
    return this.options.leaseSeconds;
  }

  /** Runs a step the caller claimed itself (see `SagaStore.claimIfFree`), tracked like the loop's own so `stop` waits for it. */
  async runClaimed(claimed: SagaState): Promise<void> {
    await this.track(this.runner.run(claimed));
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      try {
        const claimed = await this.sagas.claimDue(uuidv7(), this.options.batchSize, this.options.leaseSeconds);
        if (claimed.length > 0) {
          // Charges are settled together (one transaction for the batch); refunds one by one.
          const charges = claimed.filter((s) => s.step === 'charge');
          await Promise.all([
            this.track(this.runner.chargeAll(charges)),
            ...claimed.filter((s) => s.step !== 'charge').map((s) => this.track(this.runner.run(s))),
          ]);
          continue;
        }
      } catch (err) {
        if (!this.running) return;
        this.logger.error({ err }, 'could not claim saga steps; will try again');
      }
      await this.sleep();
    }
  }

  private track(p: Promise<void>): Promise<void> {
    this.inflight.add(p);
    return p.finally(() => this.inflight.delete(p));
  }

  private sleep(): Promise<void> {
    if (this.woken || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs);
      this.wakeUp = done;
    });
  }
}
