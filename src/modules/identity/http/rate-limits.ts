import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../../../shared/index.ts';

export type LimitedRoute = 'login' | 'register' | 'refresh';

/** A caller went over a limit: try again in `retryAfterSeconds`. */
export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many attempts');
    this.name = 'RateLimited';
  }
}

export interface RateLimitSettings {
  perIp: number;
  perAccount: number;
  keyPrefix: string;
  redisUrl?: string;
}

/**
 * Attempt counters for the routes that anyone can call and that cost a password hash or a
 * token. Per client address, so one host cannot flood them, and per account (email, or refresh
 * token), so a distributed guesser gets few tries at any one account. With Redis the counters
 * are shared by every instance; when Redis cannot answer, each instance falls back to counting
 * in memory rather than letting everything through.
 */
export class AuthRateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  /** The Redis client is loaded only when configured, like the BullMQ transport. */
  static async create(settings: RateLimitSettings, logger: Logger): Promise<AuthRateLimits> {
    if (!settings.redisUrl) return new AuthRateLimits(settings);
    const { Redis } = await import('ioredis');
    // No offline queue and one attempt per command: a counter waits for nobody while Redis is away.
    const redis = new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'rate-limits' });
    redis.on('error', (err: Error) => logger.debug({ reason: err.message }, 'rate-limit store unavailable; counting in memory'));
    return new AuthRateLimits(settings, redis);
  }

  private constructor(
    settings: RateLimitSettings,
    private readonly redis?: Redis,
  ) {
    for (const route of ['login', 'register', 'refresh'] as const) {
      this.limiters.set(`${route}:ip`, this.limiter(`${settings.keyPrefix}:${route}:ip`, settings.perIp));
      this.limiters.set(`${route}:account`, this.limiter(`${settings.keyPrefix}:${route}:account`, settings.perAccount));
    }
  }

  /** Counts one attempt; throws RateLimited when either counter is over its limit. */
  async attempt(route: LimitedRoute, clientAddress: string, account: string): Promise<void> {
    await this.consume(`${route}:ip`, clientAddress);
    await this.consume(`${route}:account`, account);
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }

  private async consume(name: string, key: string): Promise<void> {
    try {
      await this.limiters.get(name)!.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
      throw err;
    }
  }

  private limiter(keyPrefix: string, points: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: 60 });
    if (!this.redis) return memory;
    return new RateLimiterRedis({ storeClient: this.redis, keyPrefix, points, duration: 60, insuranceLimiter: memory });
  }
}
