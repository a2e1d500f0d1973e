import type { Logger } from '../../../shared/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import type { KeyWindow } from '../domain/idempotency.ts';

export interface KeyPurgeOptions {
  window: KeyWindow;
  clock: () => Date;
  intervalMs: number;
  /** Keys freed per statement, so one purge never holds many row locks at once. */
  batch?: number;
}

/**
 * Frees the Idempotency-Keys whose window is over, now and then, so the unique index and the
 * table do not carry every key ever sent. Expired keys are also freed one at a time when a
 * customer reuses one (see PlaceOrder), so correctness never waits for this purge; it only keeps
 * the data small. Several processes may purge at once: freeing a key twice is harmless.
 */
export class KeyPurge {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly orders: OrderStore,
    private readonly options: KeyPurgeOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce().catch((err: unknown) => this.logger.warn({ err }, 'idempotency key purge failed; next round retries')), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => 0);
  }

  /** One purge round: every key expired by now, batch by batch; answers how many were freed. */
  runOnce(): Promise<number> {
    this.running ??= this.purge().finally(() => (this.running = undefined));
    return this.running;
  }

  private async purge(): Promise<number> {
    const batch = this.options.batch ?? 500;
    const cutoff = this.options.window.cutoff(this.options.clock());
    let freed = 0;
    for (;;) {
      const n = await this.orders.releaseExpiredKeys(cutoff, batch);
      freed += n;
      if (n < batch) break;
    }
    if (freed > 0) this.logger.info({ freed, placedBefore: cutoff.toISOString() }, 'freed expired idempotency keys');
    return freed;
  }
}
