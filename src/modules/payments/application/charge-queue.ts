import { carryTrace, type TraceCarrier } from '../../../shared/index.ts';

export interface QueuedCharge<I> {
  input: I;
  /** The caller's trace and correlation: its events continue them, whoever's batch they ride in. */
  trace: TraceCarrier;
}

type Role<I, R> = { lead: Waiting<I, R>[] } | { result: R } | { error: unknown };

interface Waiting<I, R> extends QueuedCharge<I> {
  settle(role: Role<I, R>): void;
}

/**
 * Group commit for charges. The saga asks for many charges at once (one per order it claimed),
 * often several for the same wallet; run one by one they collide on the wallet's version and
 * retry each other into the ground. Calls that arrive in the same tick, or while a batch is
 * being written, are decided together in ONE unit of work instead. One batch is written at a
 * time per process, so this process's charges never conflict with each other.
 *
 * The first caller of a batch writes it, in its own async context: a lone charge therefore runs
 * exactly as it did before batching, under its caller's span.
 */
export class ChargeQueue<I, R> {
  private queued: Waiting<I, R>[] = [];
  private writing = false;
  private scheduled = false;

  constructor(
    private readonly one: (input: I) => Promise<R>,
    private readonly many: (batch: readonly QueuedCharge<I>[]) => Promise<R[]>,
    private readonly maxBatch = 500,
  ) {}

  async submit(input: I): Promise<R> {
    const role = await new Promise<Role<I, R>>((settle) => {
      this.queued.push({ input, trace: carryTrace(), settle });
      this.kick();
    });
    if ('result' in role) return role.result;
    if ('error' in role) throw role.error;
    const [, ...others] = role.lead;
    try {
      if (others.length === 0) return await this.one(input);
      const results = await this.many(role.lead);
      others.forEach((w, i) => w.settle({ result: results[i + 1]! }));
      return results[0]!;
    } catch (err) {
      for (const w of others) w.settle({ error: err });
      throw err;
    } finally {
      this.writing = false;
      this.kick();
    }
  }

  private kick(): void {
    if (this.writing || this.scheduled || this.queued.length === 0) return;
    this.scheduled = true;
    // One tick lets the rest of a caller's burst join the batch.
    setImmediate(() => {
      this.scheduled = false;
      if (this.writing || this.queued.length === 0) return;
      this.writing = true;
      const batch = this.queued.splice(0, this.maxBatch);
      batch[0]!.settle({ lead: batch });
    });
  }
}
