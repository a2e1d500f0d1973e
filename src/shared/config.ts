import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

/** Every setting the process reads from its environment, validated once at start-up. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  /** Embedded database folder; `memory://` keeps everything in memory (tests). */
  DATA_DIR: z.string().min(1).default('./.data'),
  /** On real Postgres each module connects as its own role that can reach only its own schema. */
  DATABASE_MODULE_ROLES: bool.default(true),
  SEED_DEMO_MENU: bool.optional(),
  /** How long a module may answer public reads from its in-memory snapshot; bounds staleness across instances. 0 turns the caches off. */
  READ_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),

  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),

  /** ES256 private key as PKCS#8 PEM; generated and kept in DATA_DIR when absent. */
  JWT_PRIVATE_KEY: z.string().min(1).optional(),
  /** Where a service without the private key fetches verification keys. */
  JWT_JWKS_URL: z.string().url().optional(),
  JWT_ISSUER: z.string().min(1).default('cafe-identity'),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(900),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt.default(60 * 60 * 24 * 30),
  /** log2 of the scrypt cost; 17 is OWASP's recommendation (128 MiB per hash). */
  PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(17),

  EVENT_TRANSPORT: z.enum(['inprocess', 'bullmq']).default('inprocess'),
  REDIS_URL: z.string().url().optional(),
  /** Namespace of the BullMQ transport's Redis keys: deployments (or test runs) sharing a Redis stay apart. */
  BULLMQ_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/).default('cafe'),
  BUS_MAX_ATTEMPTS: positiveInt.default(5),
  BUS_BACKOFF_MS: positiveInt.default(200),
  BUS_CONCURRENCY: positiveInt.default(16),
  /** First deliveries of one subscription committed together in-process (1 = one transaction per event). */
  BUS_BATCH_SIZE: positiveInt.max(1000).default(64),
  OUTBOX_POLL_MS: positiveInt.default(500),
  OUTBOX_BATCH_SIZE: positiveInt.default(200),
  OUTBOX_LEASE_SECONDS: positiveInt.default(60),
  /** How long dispatched events stay in the outbox as history for projection rebuilds. */
  EVENT_RETENTION_HOURS: positiveInt.default(24 * 7),

  /** Order saga: how often its scheduler looks for due steps, and the retry backoff (doubling, capped). */
  SAGA_POLL_MS: positiveInt.default(1000),
  SAGA_RETRY_MS: positiveInt.default(1000),
  SAGA_RETRY_MAX_MS: positiveInt.default(60_000),
  /** How long a claimed saga step stays with its runner before another process may take it over. */
  SAGA_LEASE_SECONDS: positiveInt.default(30),
  SAGA_BATCH_SIZE: positiveInt.default(20),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment; a bad value stops start-up naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = { ...parsed.data, ...overrides };
  if (config.EVENT_TRANSPORT === 'bullmq' && !config.REDIS_URL) {
    throw new ConfigError('Invalid configuration:\n  REDIS_URL: required when EVENT_TRANSPORT=bullmq');
  }
  if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError('Invalid configuration:\n  ADMIN_EMAIL, ADMIN_PASSWORD: set both or neither');
  }
  return config;
}
