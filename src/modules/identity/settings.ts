import { z } from 'zod';
import { bool, positiveInt } from '../../shared/index.ts';

/** identity's settings: token lifetimes, password hashing, abuse limits, the admin bootstrap. */
export const identitySettings = z
  .object({
    ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(900).describe('access-token lifetime'),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt.default(60 * 60 * 24 * 30).describe('refresh-token lifetime (30 days)'),
    REFRESH_FAMILY_MAX_SECONDS: positiveInt
      .default(60 * 60 * 24 * 90)
      .describe('absolute lifetime of a session (a refresh-token family), however often it rotates (90 days)'),
    REFRESH_REUSE_GRACE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(60)
      .default(2)
      .describe('a refresh token presented again this soon after its rotation is refused without revoking its session (a lost answer retried)'),
    PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(17).describe("log2 of scrypt's N (17 = 128 MiB per hash, OWASP's recommendation)"),
    PASSWORD_HASH_CONCURRENCY: positiveInt
      .max(64)
      .default(1)
      .describe('password hashes computed at once, each on a worker thread of its own (memory: this × 128 MiB at cost 17); each takes a core, so leave one to the event loop'),
    PASSWORD_HASH_QUEUE: z.coerce
      .number()
      .int()
      .min(0)
      .default(8)
      .describe('password hashes that may wait for a worker; beyond that sign-ins and registrations get 503 with Retry-After'),
    AUTH_RATE_LIMIT_PER_IP: positiveInt.default(20).describe('login, register and refresh attempts per client address per minute, each route counted apart'),
    AUTH_RATE_LIMIT_PER_ACCOUNT: positiveInt
      .default(10)
      .describe('login and register attempts per email, and refresh attempts per token, per minute'),
    AUTH_RATE_LIMIT_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+$/)
      .default('cafe:rl')
      .describe('namespace of the rate-limit counters in Redis (counters are kept in memory without `REDIS_URL`)'),
    ADMIN_EMAIL: z.string().email().optional().describe('with `ADMIN_PASSWORD`: an admin account with these credentials exists after start'),
    ADMIN_PASSWORD: z.string().min(8).optional().describe('the admin account\'s password (set both or neither)'),
    ADMIN_PROMOTE_EXISTING: bool
      .default(false)
      .describe('allow start-up to promote an existing non-admin account whose email is `ADMIN_EMAIL`; without it start-up refuses'),
  })
  .refine((s) => (s.ADMIN_EMAIL === undefined) === (s.ADMIN_PASSWORD === undefined), {
    message: 'set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither',
    path: ['ADMIN_EMAIL'],
  });
