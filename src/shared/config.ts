import { z } from 'zod';

/** `true`/`false` style switches from the environment; an already-parsed boolean (tests) passes as is. */
export const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')]);

export const positiveInt = z.coerce.number().int().positive();

/**
 * The kernel's own settings: process, database, tokens' verification, bus. A module's settings
 * live in its definition (`settings`), so a process hosting only some modules reads only theirs.
 */
export const kernelSettings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('where the gateway listens (0: any free port)'),
  HOST: z.string().min(1).default('0.0.0.0').describe('address the gateway binds'),
  HTTP_BODY_LIMIT_BYTES: positiveInt.default(32 * 1024).describe('largest request body accepted (413 beyond); a module may allow more on its own routes'),
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(30_000).describe('a request must arrive whole within this (408 beyond)'),
  HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(10_000).describe("a request's headers must arrive within this"),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt.default(5_000).describe('an idle keep-alive connection is closed after this'),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000).describe('on SIGTERM or SIGINT the process exits within this, whatever its dependencies are doing'),
  TRUST_PROXY: bool.default(false).describe("take the client address from the last `X-Forwarded-For` entry (set only behind a proxy that writes it)"),
  METRICS_TOKEN: z.string().min(16).optional().describe('bearer token a Prometheus scrape presents for `/metrics` and detailed `/health/ready` (operators\' access tokens work too)'),
  OPERATIONS_PUBLIC: bool.default(false).describe('serve `/metrics` and detailed `/health/ready` to anyone (only on a private network)'),
  CONSOLE_ENABLED: bool.optional().describe('serve the architecture console at `/console` (operators sign in); default: on, except when `NODE_ENV` is `production`'),
  CONSOLE_TRACE_MINUTES: positiveInt.max(24 * 60).default(10).describe("how long the console keeps the spans it collects (only while a console is open) for its trace view"),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development').describe('`production` turns off development conveniences'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino level; logs are JSON lines with request and correlation ids'),

  DATABASE_URL: z.string().url().optional().describe('real Postgres; unset means embedded PGlite in `DATA_DIR`'),
  DATABASE_POOL_SIZE: positiveInt.default(10).describe('connections per module on Postgres'),
  DATA_DIR: z.string().min(1).default('./.data').describe('embedded database and the development signing key; `memory://` keeps everything in memory'),
  DATABASE_MODULE_ROLES: bool.default(true).describe('on Postgres, each module connects as its own role that can reach only its own schema'),

  JWT_PRIVATE_KEY: z.string().min(1).optional().describe('ES256 PKCS#8 PEM signing key; generated once into `DATA_DIR` when unset'),
  JWT_JWKS_URL: z.string().url().optional().describe('for a service without the private key: where to fetch verification keys'),
  JWT_ISSUER: z.string().min(1).default('cafe-identity').describe('`iss` of access tokens'),
  JWT_AUDIENCE: z.string().min(1).default('cafe-api').describe('`aud` of access tokens; a token for another audience is refused'),

  MODULES: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .optional()
    .describe('modules this process hosts, comma-separated (default: all); the others are found through `SERVICE_<MODULE>_URLS`'),
  SERVICE_TOKEN_KEY: z.string().min(1).optional().describe('ES256 PKCS#8 PEM key that signs this process\'s calls to other processes; generated into `DATA_DIR` when unset (one process) — give every process of a deployment the same key, or trust each other\'s through `SERVICE_TOKEN_JWKS_URLS`'),
  SERVICE_TOKEN_JWKS_URLS: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .optional()
    .describe('further key documents (`/.well-known/service-jwks.json` of other processes) whose service tokens internal routes accept'),
  REMOTE_TIMEOUT_MS: positiveInt.default(2000).describe('timeout of each call to a module in another process'),
  REMOTE_RETRIES: z.coerce.number().int().min(0).max(10).default(2).describe('extra attempts, with jittered backoff, for methods their contract marks idempotent'),
  REMOTE_BREAKER_FAILURES: positiveInt.default(5).describe('consecutive failed calls that open a remote module\'s circuit breaker'),
  REMOTE_BREAKER_HALF_OPEN_MS: positiveInt.default(5000).describe('how long an open breaker waits before one trial call'),
  REMOTE_HEALTH_INTERVAL_MS: positiveInt.default(2000).describe('how often each remote instance\'s `/health/live` is probed'),
  REMOTE_DNS_REFRESH_MS: positiveInt.default(10_000).describe('how often DNS names in `SERVICE_<MODULE>_URLS` are resolved again'),
  REMOTE_DOCUMENT_TTL_MS: positiveInt.default(300_000).describe('how long the gateway keeps a remote module\'s OpenAPI operations before asking for them again'),

  OTEL_TRACES_EXPORTER: z
    .enum(['otlp', 'console', 'none'])
    .optional()
    .describe('`otlp` or `console` turns tracing on (`none`: off); unset, tracing is on only when an OTLP endpoint is set'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional().describe('OTLP collector base URL (traces go to `<url>/v1/traces`); setting it turns tracing on. The exporter also reads the other standard `OTEL_EXPORTER_OTLP_*` variables'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional().describe('full OTLP traces URL, overriding `OTEL_EXPORTER_OTLP_ENDPOINT` for traces'),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf').describe('OTLP encoding: `http/protobuf` or `http/json`'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['http/protobuf', 'http/json']).optional().describe('OTLP encoding for traces, overriding `OTEL_EXPORTER_OTLP_PROTOCOL`'),
  OTEL_SERVICE_NAME: z.string().min(1).optional().describe('`service.name` of this process\'s spans; default `cafe`, or `cafe-<modules>` for a process hosting only some'),
  OTEL_SDK_DISABLED: bool.default(false).describe('`true` keeps tracing off whatever else is set'),

  EVENT_TRANSPORT: z.enum(['inprocess', 'bullmq']).default('inprocess').describe('`inprocess` or `bullmq`'),
  REDIS_URL: z.string().url().optional().describe('required with `EVENT_TRANSPORT=bullmq`'),
  BULLMQ_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('cafe')
    .describe("namespace of the BullMQ transport's Redis keys, so deployments (or test runs) sharing a Redis stay apart"),
  BUS_MAX_ATTEMPTS: positiveInt.default(5).describe('handler attempts before an event becomes a dead letter'),
  BUS_BACKOFF_MS: positiveInt.default(200).describe('first retry delay; doubles per attempt (with jitter, capped at 30 s)'),
  BUS_CONCURRENCY: positiveInt.default(16).describe('handlers running at once per process (per queue with BullMQ)'),
  BUS_BATCH_SIZE: positiveInt.max(1000).default(64).describe('first deliveries of one subscription committed together (in-process: per relay claim; BullMQ: the events of a relay claim carried by one job; 1 = a job and a transaction per event)'),
  OUTBOX_POLL_MS: positiveInt.default(500).describe('relay polling fallback when no wake-up arrives'),
  OUTBOX_BATCH_SIZE: positiveInt.default(200).describe('outbox rows claimed per relay round'),
  OUTBOX_LEASE_SECONDS: positiveInt.default(60).describe('how long a claimed row is reserved before another relay may take it; rows a process writes are claimed for its own relay as they are written, so if it dies before handing them over they wait this long (ADR 26)'),
  EVENT_RETENTION_HOURS: positiveInt.default(24 * 7).describe('how long dispatched events stay in the outbox as history for projection rebuilds'),
});

export type KernelConfig = z.infer<typeof kernelSettings>;

/** A settings schema as a module declares it: an object of environment variable names. */
export type SettingsSchema = z.ZodObject<z.ZodRawShape>;

/**
 * The process's configuration: the kernel's settings, parsed, and the environment they came from,
 * from which each module's own settings are parsed when the kernel sets it up.
 */
export type Config = KernelConfig & { readonly env: Readonly<Record<string, unknown>> };

/** What `loadConfig` accepts as overrides: kernel settings or any module's variable, parsed or raw. */
export type ConfigOverrides = Partial<KernelConfig> & Record<string, unknown>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

interface Declares {
  readonly name: string;
  readonly settings?: SettingsSchema;
}

/**
 * Reads and validates the environment: the kernel's settings and, when given, every module's, all
 * at once, so one start-up names every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: ConfigOverrides = {}, modules: readonly Declares[] = []): Config {
  const source: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') source[key] = value;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete source[key];
    else source[key] = value;
  }
  const problems: string[] = [];
  const kernel = parseSettings(kernelSettings, source, problems);
  // Only the modules this process hosts are read: a payments process knows nothing of identity's settings.
  const hosted = (kernel as Partial<KernelConfig> | undefined)?.MODULES;
  for (const m of modules) if (m.settings && (!hosted || hosted.includes(m.name))) parseSettings(m.settings, source, problems, m.name);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const config = { ...(kernel as KernelConfig), env: Object.freeze(source) };
  if (config.EVENT_TRANSPORT === 'bullmq' && !config.REDIS_URL) {
    throw new ConfigError('Invalid configuration:\n  REDIS_URL: required when EVENT_TRANSPORT=bullmq');
  }
  return config;
}

/** One module's settings from the process's configuration; a bad value names the variable and the module. */
export function moduleSettings<S extends SettingsSchema>(config: Config, schema: S, module: string): z.output<S> {
  const problems: string[] = [];
  const parsed = parseSettings(schema, config.env, problems, module);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return parsed as z.output<S>;
}

function parseSettings(schema: SettingsSchema, source: Readonly<Record<string, unknown>>, problems: string[], module?: string): unknown {
  const relevant: Record<string, unknown> = {};
  for (const key of Object.keys(schema.shape)) if (source[key] !== undefined) relevant[key] = source[key];
  const parsed = schema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const owner = module ? ` (${module})` : '';
  for (const issue of parsed.error.issues) problems.push(`  ${issue.path.join('.') || '(settings)'}${owner}: ${issue.message}`);
  return undefined;
}
