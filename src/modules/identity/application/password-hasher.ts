import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { HashingBusy } from '../domain/errors.ts';

const KEY_LENGTH = 32;

/**
 * The worker's whole program. scrypt runs synchronously inside the worker: that blocks only the
 * worker's own thread, while the asynchronous variant would queue on libuv's threadpool, which
 * the process shares with WebCrypto (token signing and verification), file system and DNS work.
 * Inline source rather than a file, so it loads the same from sources, tests and the bundle.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', ({ id, password, salt, keyLength, options }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keyLength, options);
    parentPort.postMessage({ id, key });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err) });
  }
});
`;

interface Job {
  id: number;
  password: string;
  salt: Uint8Array;
  options: { N: number; r: number; p: number; maxmem: number };
  resolve(key: Buffer): void;
  reject(err: Error): void;
  started?: number;
}

export interface HashPoolLimits {
  /** Hashes computed at once, each on a worker thread of its own (and, at cost 17, 128 MiB of memory). */
  concurrency: number;
  /** Hashes allowed to wait for a worker; beyond that callers are refused at once. */
  queueLimit: number;
}

/**
 * A fixed set of worker threads for scrypt with a bounded wait queue. Memory is bounded by
 * `concurrency` hashes, waiting by `queueLimit`, and whatever exceeds both is refused with an
 * estimate of when to come back instead of piling up.
 */
class HashPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly waiting: Job[] = [];
  private workers = 0;
  private nextId = 0;
  private averageMs = 500;
  private closed = false;

  constructor(private readonly limits: HashPoolLimits) {}

  derive(password: string, salt: Uint8Array, options: Job['options']): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('password hashing stopped'));
    const running = this.busy.size + this.waiting.length;
    if (running >= this.limits.concurrency + this.limits.queueLimit) {
      const waitMs = ((this.waiting.length / this.limits.concurrency) + 1) * this.averageMs;
      return Promise.reject(new HashingBusy(Math.max(1, Math.ceil(waitMs / 1000))));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, password, salt, options, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error('password hashing stopped'));
    const all = [...this.idle.splice(0), ...this.busy.keys()];
    await Promise.all(all.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      const worker = this.idle.pop() ?? (this.workers < this.limits.concurrency ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.waiting.shift()!;
      this.busy.set(worker, job);
      job.started = performance.now();
      worker.postMessage({ id: job.id, password: job.password, salt: job.salt, keyLength: KEY_LENGTH, options: job.options });
    }
  }

  private spawn(): Worker {
    this.workers++;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Idle workers must not keep a process alive that has nothing else to do.
    worker.unref();
    worker.on('message', (msg: { id: number; key?: Uint8Array; error?: string }) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.idle.push(worker);
      if (job && job.id === msg.id) {
        // A moving average of hash time, for the Retry-After of refused callers.
        this.averageMs = this.averageMs * 0.8 + (performance.now() - job.started!) * 0.2;
        if (msg.error !== undefined) job.reject(new Error(msg.error));
        else job.resolve(Buffer.from(msg.key!));
      }
      this.pump();
    });
    worker.on('error', (err) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.workers--;
      job?.reject(err);
      if (!this.closed) this.pump();
    });
    return worker;
  }
}

/**
 * scrypt from the platform's crypto (OpenSSL): memory-hard, no native add-on. Parameters are
 * stored with each hash so the cost can be raised later.
 */
export class PasswordHasher {
  private readonly pool: HashPool;

  constructor(
    private readonly log2Cost: number,
    limits: HashPoolLimits = { concurrency: 1, queueLimit: 8 },
  ) {
    this.pool = new HashPool(limits);
  }

  async hash(password: string): Promise<string> {
    const N = 2 ** this.log2Cost;
    const salt = randomBytes(16);
    const key = await this.pool.derive(password.normalize('NFKC'), salt, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
    return `scrypt$${N}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
    const N = Number(n);
    const expected = Buffer.from(key, 'base64');
    const actual = await this.pool.derive(password.normalize('NFKC'), Buffer.from(salt, 'base64'), { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
