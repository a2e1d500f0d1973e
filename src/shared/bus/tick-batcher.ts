import type { Logger } from '../logger.ts';
import type { Envelope } from './contract.ts';
import type { BatchOutcome, Deliverer } from './transport.ts';

interface Waiting {
  envelope: Envelope;
  settle(outcome: BatchOutcome): void;
}

/**
 * Gathers the first attempts a queue worker is running at the same moment, per subscription,
 * and hands them to the deliverer's `deliverBatch` together: the jobs a worker holds at once
 * become one handler transaction instead of one each. Exactly-once is the deliverer's as ever:
 * every event still commits with its own inbox row, and an event whose batch rolled back comes
 * back `aborted`, for the caller to deliver on its own.
 */
export class TickBatcher {
  private readonly queued = new Map<string, Waiting[]>();

  constructor(
    private readonly deliverer: Required<Pick<Deliverer, 'deliverBatch'>>,
    private readonly maxBatch: number,
    private readonly logger: Logger,
  ) {}

  submit(subscription: string, envelope: Envelope): Promise<BatchOutcome> {
    return new Promise<BatchOutcome>((settle) => {
      let queue = this.queued.get(subscription);
      if (!queue) this.queued.set(subscription, (queue = []));
      queue.push({ envelope, settle });
      // One tick lets the other jobs the worker is starting join the batch.
      if (queue.length === 1) setImmediate(() => void this.drain(subscription));
    });
  }

  private async drain(subscription: string): Promise<void> {
    const queue = this.queued.get(subscription) ?? [];
    const batch = queue.splice(0, this.maxBatch);
    if (queue.length > 0) setImmediate(() => void this.drain(subscription));
    if (batch.length === 0) return;
    let outcomes: BatchOutcome[];
    try {
      outcomes = await this.deliverer.deliverBatch(subscription, batch.map((b) => b.envelope));
    } catch (err) {
      // The batch machinery itself failed (say the database is away): each event goes alone.
      this.logger.warn({ err, subscription, size: batch.length }, 'batch delivery failed; delivering one by one');
      outcomes = batch.map(() => 'aborted');
    }
    batch.forEach((b, i) => b.settle(outcomes[i] ?? 'aborted'));
  }
}
