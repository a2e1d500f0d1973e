/**
 * The BullMQ transport: one Redis-backed queue per subscription, so subscriptions retry, stall
 * and scale independently, and several app processes share the work. Loaded with a dynamic
 * import only when EVENT_TRANSPORT=bullmq, so the default in-process path never touches Redis.
 *
 * Guarantees, and where each comes from:
 * - at-least-once: `dispatch` resolves only after Redis accepted a job for every subscription;
 *   until then the outbox row stays undispatched and the relay retries it.
 * - duplicates collapse: a job's id is made of the event ids it carries and the subscription,
 *   and completed jobs are kept for a day, so a re-dispatch of the same claim is a no-op in
 *   Redis; the inbox catches the rest.
 * - batches: with BUS_BATCH_SIZE > 1 the events of one relay claim travel to each subscription as
 *   ONE job, delivered in one handler transaction (`deliverBatch`). Events of the batch that
 *   failed or were rolled back leave it as jobs of their own, which retry and dead-letter one by
 *   one exactly as unbatched jobs do (ADR 24).
 * - retries: BullMQ's exponential backoff, `attempts` = BUS_MAX_ATTEMPTS. The bus's deliverer
 *   is told which attempt is the last, so it writes the dead letter into the module's inbox,
 *   where the admin API lists and replays it exactly as with the in-process transport.
 */
import { createHash } from 'node:crypto';
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Hono } from 'hono';
import type { TokenVerifier } from '../auth/tokens.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { Logger } from '../logger.ts';
import { boardAccess } from './board-access.ts';
import type { Envelope } from './contract.ts';
import { DeadLetterNotRecorded, isFailed, type BatchOutcome, type Deliverer, type Transport, type TransportHealth } from './transport.ts';

export interface BullMqOptions {
  url: string;
  /** Namespaces every Redis key, so deployments (and test runs) sharing a Redis never collide. */
  prefix: string;
  maxAttempts: number;
  backoffMs: number;
  /** Jobs one process runs at once, per subscription. */
  concurrency: number;
  /** First attempts of one subscription carried by one job and committed together at most (1: a job and a transaction per event). */
  batchSize?: number;
  /** How long `dispatch` waits for Redis before the relay keeps the event for later. */
  dispatchTimeoutMs?: number;
  /** How long finished jobs stay in Redis: re-adding the same job id within it is a no-op. */
  keepCompletedSeconds?: number;
  keepFailedSeconds?: number;
}

/** Custom job ids may not contain ':' (BullMQ reserves it for repeatable jobs). */
export function jobIdFor(eventId: string, subscription: string): string {
  return `${eventId}_${subscription}`.replaceAll(':', '_');
}

export function queueNameFor(subscription: string): string {
  return subscription.replaceAll(':', '_');
}

/** The name of a job that carries several events' first attempts. */
export const BATCH_JOB = 'bus.batch';

interface BatchData {
  batch: Envelope[];
}
type JobData = Envelope | BatchData;
type JobSpec = { name: string; data: JobData; opts: JobsOptions };

const isBatch = (job: Job<JobData>): job is Job<BatchData> => job.name === BATCH_JOB;

function batchJobIdFor(envelopes: readonly Envelope[], subscription: string): string {
  const ids = createHash('sha256').update(envelopes.map((e) => e.id).join(',')).digest('hex').slice(0, 32);
  return jobIdFor(`batch_${ids}`, subscription);
}

export class BullMqTransport implements Transport {
  readonly name = 'bullmq';
  private deliverer?: Deliverer;
  /** Whether a relay claim's events travel to a subscription as one job (see the header). */
  private batching = false;
  /** Dispatches of the current tick, per subscription, sent to Redis as one addBulk each. */
  private readonly adding = new Map<string, { envelopes: Envelope[]; sent?: Promise<unknown> }>();
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  /** Producer connection: no offline queue, so adds fail fast while Redis is away. */
  private producer?: Redis;
  /** Worker connection: BullMQ requires unlimited retries per request for blocking commands. */
  private consumer?: Redis;
  private lastRedisError = 0;

  constructor(
    private readonly options: BullMqOptions,
    private readonly logger: Logger,
  ) {}

  async start(deliverer: Deliverer): Promise<void> {
    this.deliverer = deliverer;
    // A batch is never a final attempt, so with one attempt in the budget every event goes alone.
    this.batching = deliverer.deliverBatch !== undefined && (this.options.batchSize ?? 1) > 1 && this.options.maxAttempts > 1;
    // Reconnect forever with a capped delay: a Redis restart must not need an app restart.
    const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000);
    this.producer = new Redis(this.options.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy, connectionName: `${this.options.prefix}:producer` });
    this.consumer = new Redis(this.options.url, { maxRetriesPerRequest: null, retryStrategy, connectionName: `${this.options.prefix}:worker` });
    for (const conn of [this.producer, this.consumer]) conn.on('error', (err: Error) => this.redisError(err));
    await this.waitReady(this.producer);

    for (const subscription of deliverer.subscriptions()) {
      this.queue(subscription);
      const worker = new Worker<JobData>(queueNameFor(subscription), (job) => (isBatch(job) ? this.processBatch(subscription, job) : this.process(subscription, job as Job<Envelope>)), {
        connection: this.consumer,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
        // Without these BullMQ would keep every finished job forever.
        removeOnComplete: { age: this.options.keepCompletedSeconds ?? 24 * 3600 },
        removeOnFail: { age: this.options.keepFailedSeconds ?? 7 * 24 * 3600 },
      });
      worker.on('error', (err) => this.redisError(err));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async dispatch(envelope: Envelope): Promise<void> {
    const subs = this.deliverer?.subscriptionsFor(envelope.type) ?? [];
    await this.bounded(
      Promise.all(subs.map((s) => this.add(s, envelope))),
      `Redis did not take event ${envelope.id}`,
    );
  }

  /**
   * The relay hands over a whole claim in one tick; its events go to Redis as one addBulk per
   * subscription (one round trip), and when batching, as one job per BUS_BATCH_SIZE events. Each
   * dispatch still resolves only once Redis holds its event, and fails with the bulk it rode in.
   */
  private add(subscription: string, envelope: Envelope): Promise<unknown> {
    let pending = this.adding.get(subscription);
    if (!pending) {
      const fresh: { envelopes: Envelope[]; sent?: Promise<unknown> } = { envelopes: [] };
      fresh.sent = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.adding.delete(subscription);
        return this.queue(subscription).addBulk(this.jobsFor(subscription, fresh.envelopes));
      });
      this.adding.set(subscription, (pending = fresh));
    }
    pending.envelopes.push(envelope);
    return pending.sent!;
  }

  private jobsFor(subscription: string, envelopes: Envelope[]): JobSpec[] {
    const single = (e: Envelope): JobSpec => ({ name: e.type, data: e, opts: { jobId: jobIdFor(e.id, subscription) } });
    if (!this.batching) return envelopes.map(single);
    const size = this.options.batchSize!;
    const jobs: JobSpec[] = [];
    for (let i = 0; i < envelopes.length; i += size) {
      const chunk = envelopes.slice(i, i + size);
      jobs.push(chunk.length === 1 ? single(chunk[0]!) : { name: BATCH_JOB, data: { batch: chunk }, opts: { jobId: batchJobIdFor(chunk, subscription) } });
    }
    return jobs;
  }

  async replay(subscription: string, envelope: Envelope): Promise<void> {
    // The original job sits in the failed set under its id, so a replay is a fresh job.
    const jobId = `${jobIdFor(envelope.id, subscription)}_replay_${Date.now()}`;
    await this.bounded(this.queue(subscription).add(envelope.type, envelope, { jobId }), `Redis did not take the replay of ${envelope.id}`);
  }

  async health(): Promise<TransportHealth> {
    try {
      await this.bounded(this.producer!.ping(), 'Redis did not answer PING', 1000);
      return { ok: true, detail: `redis up, ${this.workers.length} queues` };
    } catch (err) {
      return { ok: false, detail: `redis down: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Jobs not yet finished across every queue (waiting, delayed, running): tests wait for 0. */
  async pending(): Promise<number> {
    const counts = await Promise.all([...this.queues.values()].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')));
    return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
  }

  /** The queues, for Bull Board. */
  allQueues(): Queue[] {
    return [...this.queues.values()];
  }

  async stop(): Promise<void> {
    // close() stops fetching and waits for running jobs; waiting jobs stay safe in Redis.
    await Promise.allSettled(this.workers.map((w) => w.close()));
    this.workers.length = 0;
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    for (const conn of [this.producer, this.consumer]) {
      if (!conn) continue;
      await conn.quit().catch(() => conn.disconnect());
    }
  }

  /**
   * First attempts of a relay claim in one transaction. What did not commit leaves as jobs of
   * its own: a failed event after the first backoff, with the rest of its budget; an event rolled
   * back with the batch at once, as a first attempt. If Redis will not take them, the batch job
   * fails and runs again later, and the inbox skips what committed. On the batch job's last
   * attempt its events are delivered here one by one as final attempts, so each ends handled or
   * dead-lettered in the inbox rather than only in BullMQ's failed set.
   */
  private async processBatch(subscription: string, job: Job<BatchData>): Promise<void> {
    const envelopes = job.data.batch;
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? this.options.maxAttempts)) {
      for (const e of envelopes) await this.deliverer!.deliver(subscription, e, this.options.maxAttempts, true).catch((err: unknown) => this.finalFailure(subscription, e, err));
      return;
    }
    let outcomes: BatchOutcome[];
    try {
      outcomes = await this.deliverer!.deliverBatch!(subscription, envelopes);
    } catch (err) {
      // The batch machinery itself failed (say the database is away): each event goes alone.
      this.logger.warn({ err, subscription, size: envelopes.length }, 'batch delivery failed; delivering one by one');
      outcomes = envelopes.map(() => 'aborted');
    }
    const { maxAttempts, backoffMs } = this.options;
    const alone: JobSpec[] = [];
    envelopes.forEach((e, i) => {
      const outcome = outcomes[i] ?? 'aborted';
      if (outcome === 'handled') return;
      const jobId = jobIdFor(e.id, subscription);
      // Its first attempt is spent: the job has the rest, on the same exponential curve.
      if (isFailed(outcome)) alone.push({ name: e.type, data: e, opts: { jobId, attempts: maxAttempts - 1, delay: backoffMs, backoff: { type: 'exponential', delay: backoffMs * 2 } } });
      else alone.push({ name: e.type, data: e, opts: { jobId } });
    });
    if (alone.length > 0) await this.queue(subscription).addBulk(alone);
  }

  private async process(subscription: string, job: Job<Envelope>): Promise<void> {
    // A job split off a batch has a smaller budget: the attempts it lacks were spent in the batch.
    const budget = job.opts.attempts ?? this.options.maxAttempts;
    const attempt = Math.max(0, this.options.maxAttempts - budget) + job.attemptsMade + 1;
    const final = job.attemptsMade + 1 >= budget;
    try {
      await this.deliverer!.deliver(subscription, job.data, attempt, final);
    } catch (err) {
      if (final) await this.finalFailure(subscription, job.data, err);
      throw err;
    }
  }

  /**
   * Out of attempts and no dead letter written: start a fresh job later rather than leave the
   * event only in BullMQ's failed set, where the admin API cannot see it.
   */
  private async finalFailure(subscription: string, envelope: Envelope, err: unknown): Promise<void> {
    if (!(err instanceof DeadLetterNotRecorded)) return;
    const jobId = `${jobIdFor(envelope.id, subscription)}_retry_${Date.now()}`;
    await this.queue(subscription)
      .add(envelope.type, envelope, { jobId, delay: 30_000 })
      .catch((addErr: unknown) => this.logger.error({ err: addErr, subscription, eventId: envelope.id }, 'event neither handled nor dead-lettered'));
  }

  private queue(subscription: string): Queue {
    let queue = this.queues.get(subscription);
    if (!queue) {
      const defaultJobOptions: JobsOptions = {
        attempts: this.options.maxAttempts,
        backoff: { type: 'exponential', delay: this.options.backoffMs },
        removeOnComplete: { age: this.options.keepCompletedSeconds ?? 24 * 3600 },
        removeOnFail: { age: this.options.keepFailedSeconds ?? 7 * 24 * 3600 },
      };
      queue = new Queue(queueNameFor(subscription), { connection: this.producer!, prefix: this.options.prefix, defaultJobOptions });
      queue.on('error', (err) => this.redisError(err));
      this.queues.set(subscription, queue);
    }
    return queue;
  }

  private bounded<T>(work: Promise<T>, message: string, ms = this.options.dispatchTimeoutMs ?? 3000): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private async waitReady(conn: Redis): Promise<void> {
    if (conn.status === 'ready') return;
    await this.bounded(
      new Promise<void>((resolve) => conn.once('ready', () => resolve())),
      `Redis at ${redacted(this.options.url)} is not reachable`,
      10_000,
    );
  }

  /** Connection errors repeat on every reconnect attempt; one line every few seconds is enough. */
  private redisError(err: Error): void {
    const now = Date.now();
    if (now - this.lastRedisError < 5000) return;
    this.lastRedisError = now;
    this.logger.warn({ err: err.message }, 'redis connection problem; BullMQ will reconnect');
  }
}

function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

const BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues, for operators only. API clients send the bearer token; a browser
 * signs in once at /admin/queues/sign-in, which turns the posted token into a short-lived
 * HttpOnly cookie scoped to the board (see board-access.ts).
 */
export async function mountBullBoard(
  app: Hono<AppEnv>,
  transport: BullMqTransport,
  verifier: TokenVerifier,
  maxAgeSeconds: number,
  operatorRole: string,
): Promise<void> {
  const [{ createBullBoard }, { BullMQAdapter }, { HonoAdapter }, { serveStatic }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/hono'),
    import('@hono/node-server/serve-static'),
  ]);
  const server = new HonoAdapter(serveStatic);
  server.setBasePath(BOARD_PATH);
  createBullBoard({ queues: transport.allQueues().map((q) => new BullMQAdapter(q)), serverAdapter: server, options: { uiConfig: { boardTitle: 'Café queues' } } });
  const board = server.registerPlugin();

  const access = boardAccess(BOARD_PATH, verifier, operatorRole, maxAgeSeconds);
  const guard = access.guard;
  access.signIn(app);
  app.use(BOARD_PATH, guard);
  app.use(`${BOARD_PATH}/*`, guard);
  app.route(BOARD_PATH, board as unknown as Hono<AppEnv>);
}
