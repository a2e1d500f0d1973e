import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiClient, ApiContract, ApiImplementation, Fault } from './api.ts';
import { ApiRegistry } from './api-registry.ts';
import { loadSigningKey } from './auth/keys.ts';
import { createTokenIssuer, createTokenVerifier, type Principal, type TokenIssuer, type TokenVerifier } from './auth/tokens.ts';
import { EventBus } from './bus/event-bus.ts';
import { subscribe, type Subscription } from './bus/subscription.ts';
import { InProcessTransport } from './bus/inprocess-transport.ts';
import type { Transport } from './bus/transport.ts';
import { kernelSettings, moduleSettings, type Config, type KernelConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { migrateModules } from './db/migrate.ts';
import { migrationPlan, openDatabase } from './db/open.ts';
import { consoleRoutes } from './console/routes.ts';
import { readTemplate } from './db/template.ts';
import { countTransactions } from './db/pool-gauges.ts';
import { adminRoutes } from './http/admin-routes.ts';
import type { AppEnv } from './http/app-env.ts';
import { createGateway, type ReadinessCheck } from './http/gateway.ts';
import { createRouter } from './http/router.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { ModuleContext, ModuleDefinition, ModuleInstance } from './module.ts';
import { RemoteModules } from './remote/remote-modules.ts';
import { defaultServiceName } from './telemetry/tracing.ts';
import { planTopology } from './topology.ts';
import { verifyModuleGraph } from './verify.ts';

export interface KernelOptions {
  config: Config;
  modules: readonly ModuleDefinition[];
  migrationsRoot: string;
  /** Where `npm run build:web` put the café page and the console; no pages without it. */
  webRoot?: string;
  /** Where `npm run build` put the migrated embedded data template; a new embedded database runs `initdb` without it. */
  dataTemplate?: string;
  /** The role that may use the operator routes (dead letters, queues); role names are the identity module's. */
  operatorRole: string;
  logger?: Logger;
  /** Builds the event transport; the in-process one when absent. */
  transport?: (ctx: { config: Config; logger: Logger; metrics: Metrics }) => Transport;
  /** Extra readiness checks from the composition root (e.g. Redis). */
  readiness?: ReadinessCheck[];
  /**
   * Whether a token's subject still has an account with that role, asked before state-changing
   * requests. The composition root answers it through the identity module's public API.
   */
  confirmPrincipal?: (principal: Principal, api: <C extends ApiContract>(contract: C) => ApiClient<C>) => Promise<boolean>;
}

export interface Kernel {
  readonly app: OpenAPIHono<AppEnv>;
  readonly bus: EventBus;
  readonly db: Database;
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** How long each part of start-up took, in ms: where a slow start went. */
  readonly startupMs: Readonly<Record<string, number>>;
  /** A module's public API, as other modules see it. */
  api<C extends ApiContract>(contract: C): ApiClient<C>;
  /** Makes a module's public API fail as if it were unreachable (tests, chaos drills). */
  injectFault(module: string, fault: Fault | undefined): void;
  stop(): Promise<void>;
}

/**
 * Wires the modules this process hosts: verifies the whole graph and the topology, migrates the
 * hosted modules' schemas, sets each up with its context, locates the others, starts the bus and
 * returns the gateway. The composition root is the only caller.
 */
export async function createKernel(options: KernelOptions): Promise<Kernel> {
  const { config } = options;
  const startupMs: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    startupMs[name] = Math.round(now - mark);
    mark = now;
  };
  verifyModuleGraph(options.modules);
  const topology = planTopology(options.modules, config);
  const modules = topology.hosted;
  // Every hosted module's settings are checked before anything is opened: a bad value stops start-up naming it.
  const settings = new Map(modules.map((m) => [m.name, m.settings ? moduleSettings(config, m.settings, m.name) : {}]));
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics();

  phase('checks');
  const plan = migrationPlan(modules, options.migrationsRoot);
  const template = options.dataTemplate;
  const db = await openDatabase(config, undefined, template ? () => readTemplate(template, plan) : undefined);
  const stoppers: (() => Promise<void>)[] = [];
  try {
    await migrateModules(db, plan);
    phase('database');
    if (db.startedFromTemplate) logger.info({ template }, 'new embedded database started from the build\'s data template');

    const key = await loadSigningKey(config.JWT_PRIVATE_KEY, config.DATA_DIR);
    const audience = { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
    const tokens = createTokenIssuer(key, audience);
    phase('signingKey');
    const verifier = createTokenVerifier(config.JWT_JWKS_URL ? { url: config.JWT_JWKS_URL } : { jwks: tokens.jwks() }, audience);

    const busLogger = logger.child({ component: 'bus' });
    const transport = options.transport?.({ config, logger, metrics }) ?? (await defaultTransport(config, busLogger));
    const bus = createBus(config, db, transport, busLogger, metrics);
    sampleAtScrape(bus, metrics);
    const registry = new ApiRegistry(metrics);
    const remote = await RemoteModules.connect(topology, config, registry, metrics, logger);
    const kernelConfig = pickKernelSettings(config);

    routeRemoteSubscriptions(bus, modules, options.modules);
    const instances: [ModuleDefinition, ModuleInstance][] = [];
    const routes: Record<string, OpenAPIHono<AppEnv>> = {};
    const bodyLimits: Record<string, number> = {};
    for (const def of modules) {
      const instance = await setUpModule(def, { config: { ...kernelConfig, ...settings.get(def.name) }, logger, db, bus, registry, tokens, metrics });
      if (instance.routes) {
        if (!def.mountPath) throw new Error(`Module ${def.name} serves routes but its definition declares no mountPath`);
        routes[def.mountPath] = instance.routes;
      }
      Object.assign(bodyLimits, instance.bodyLimits ?? {});
      instances.push([def, instance]);
    }
    phase('modulesSetUp');
    const confirm = options.confirmPrincipal;
    const consoleOn = config.CONSOLE_ENABLED ?? config.NODE_ENV !== 'production';
    const consoleApi: Record<string, OpenAPIHono<AppEnv>> = consoleOn
      ? {
          '/api/console': consoleRoutes({
            modules: options.modules,
            hosted: new Set(modules.map((m) => m.name)),
            bus,
            metrics,
            locations: () => remote.locations(),
            operatorRole: options.operatorRole,
            traceMinutes: config.CONSOLE_TRACE_MINUTES,
            serviceName: config.OTEL_SERVICE_NAME ?? defaultServiceName(config.MODULES),
          }),
        }
      : {};

    const app = createGateway({
      logger,
      metrics,
      verifier,
      readiness: [...readinessChecks(db, bus, metrics, instances, options.readiness ?? []), ...remote.readiness()],
      routes: { ...routes, '/api/admin': adminRoutes(remote.deadLetters(bus), options.operatorRole), ...consoleApi },
      jwks: () => tokens.jwks(),
      extra: (a) => remote.mount(a, bus, options.operatorRole),
      pages: options.webRoot ? { dir: options.webRoot, console: consoleOn } : undefined,
      remoteDocumentParts: remote.documentParts,
      operatorRole: options.operatorRole,
      bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES,
      bodyLimits,
      trustProxy: config.TRUST_PROXY,
      metricsToken: config.METRICS_TOKEN,
      operationsPublic: config.OPERATIONS_PUBLIC,
      confirmPrincipal: confirm ? (p) => confirm(p, (contract) => registry.client(contract)) : undefined,
    });

    await remote.start();
    stoppers.push(async () => remote.stop());

    // Shutdown runs this list backwards: module jobs stop first, then the bus drains.
    await bus.start();
    stoppers.push(() => bus.stop());
    await mountQueueBoard(app, transport, verifier, options.operatorRole);
    for (const [def, instance] of instances) {
      if (instance.start) {
        await instance.start();
        logger.debug({ module: def.name }, 'module started');
      }
      if (instance.stop) stoppers.push(() => instance.stop!());
    }

    phase('started');
    let stopped = false;
    return {
      startupMs,
      app,
      bus,
      db,
      config,
      logger,
      metrics,
      api: (contract) => registry.client(contract),
      injectFault: (module, fault) => registry.injectFault(module, fault),
      async stop() {
        if (stopped) return;
        stopped = true;
        // Each step gets a share of the shutdown budget: a bus waiting on an absent Redis must not
        // keep the database from closing, nor the process from exiting.
        const stepMs = Math.max(1000, Math.floor(config.SHUTDOWN_TIMEOUT_MS / (stoppers.length + 2)));
        for (const s of [...stoppers].reverse()) {
          try {
            await withDeadline(s(), stepMs);
          } catch (err) {
            logger.error({ err }, 'error while stopping');
          }
        }
        await withDeadline(db.close(), stepMs).catch((err: unknown) => logger.error({ err }, 'error while closing the database'));
      },
    };
  } catch (err) {
    for (const s of [...stoppers].reverse()) await s().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }
}

function withDeadline(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

interface Wiring {
  config: ModuleContext['config'];
  logger: Logger;
  db: Database;
  bus: EventBus;
  registry: ApiRegistry;
  tokens: TokenIssuer;
  metrics: Metrics;
}

/** One module's context and setup: its database, outbox, declared API clients and own settings. */
async function setUpModule(def: ModuleDefinition, w: Wiring): Promise<ModuleInstance> {
  // PGlite is one connection, shared by every module.
  const poolSize = w.db.kind === 'pglite' ? 1 : w.config.DATABASE_POOL_SIZE;
  const moduleDb = countTransactions(w.db.forModule(def.name), def.name, w.metrics, poolSize);
  w.bus.registerModule(def.name, moduleDb, def.tables, def.publishes);
  const required = new Set(def.requires.map((r) => r.module));
  const ctx: ModuleContext = {
    name: def.name,
    config: w.config,
    logger: w.logger.child({ module: def.name }),
    db: moduleDb,
    databaseKind: w.db.kind,
    unitOfWork: (work) => w.bus.unitOfWork(def.name, work),
    api: (contract) => {
      if (!required.has(contract.module)) throw new Error(`Module ${def.name} uses the ${contract.module} API without declaring it in requires`);
      return w.registry.client(contract);
    },
    ...(def.issuesTokens ? { tokens: w.tokens } : {}),
    router: createRouter,
    gauge: (spec) => w.metrics.moduleGauge(def.name, spec),
  };
  const instance = await def.setup(ctx);
  if (def.provides) {
    if (!instance.api) throw new Error(`Module ${def.name} declares an API but its setup returned none`);
    w.registry.provide(def.provides, instance.api as ApiImplementation<ApiContract>);
  }
  const handlers = (instance.handlers ?? {}) as Record<string, Subscription['handle'] | undefined>;
  for (const [name, event] of Object.entries(def.subscribesTo)) {
    const handle = handlers[name];
    if (!handle) throw new Error(`Module ${def.name} declares the subscription ${name} but its setup returned no handler for it`);
    w.bus.addSubscription(def.name, subscribe(name, event, handle));
  }
  for (const name of Object.keys(handlers)) {
    if (!(name in def.subscribesTo)) throw new Error(`Module ${def.name} handles ${name} without declaring it in subscribesTo`);
  }
  return instance;
}

/**
 * Subscriptions of modules hosted elsewhere to events published here: the relay dispatches to
 * their queues too, and their own process consumes them (the topology made sure the transport
 * crosses processes when any exist).
 */
function routeRemoteSubscriptions(bus: EventBus, hosted: readonly ModuleDefinition[], all: readonly ModuleDefinition[]): void {
  const published = new Set(hosted.flatMap((m) => m.publishes.map((e) => e.type)));
  for (const m of all) {
    if (hosted.includes(m)) continue;
    for (const [name, event] of Object.entries(m.subscribesTo)) if (published.has(event.type)) bus.addRemoteSubscription(name, event.type);
  }
}

function createBus(config: Config, db: Database, transport: Transport, logger: Logger, metrics: Metrics): EventBus {
  const pg = db.postgresClient;
  return new EventBus(
    transport,
    {
      pollMs: config.OUTBOX_POLL_MS,
      batchSize: config.OUTBOX_BATCH_SIZE,
      leaseSeconds: config.OUTBOX_LEASE_SECONDS,
      retentionHours: config.EVENT_RETENTION_HOURS,
      notifies: db.kind === 'postgres',
      listen: pg ? async (channel, onNotify) => pg.listen(channel, onNotify) : undefined,
    },
    logger,
    metrics,
  );
}

function readinessChecks(
  db: Database,
  bus: EventBus,
  metrics: Metrics,
  instances: readonly [ModuleDefinition, ModuleInstance][],
  extra: readonly ReadinessCheck[],
): ReadinessCheck[] {
  const transport = bus.transport;
  return [
    { name: 'database', check: async () => (await db.ping(), { ok: true, detail: db.kind }) },
    { name: 'bus', check: () => transport.health() },
    ...(transport.name === 'bullmq' ? [{ name: 'redis', check: () => transport.health() }] : []),
    {
      name: 'outbox',
      check: async () => {
        const backlog = await sampleOutbox(bus, metrics);
        return { ok: true, detail: `undispatched: ${JSON.stringify(backlog)}` };
      },
    },
    ...extra,
    ...instances.filter(([, i]) => i.health).map(([d, i]) => ({ name: d.name, check: () => i.health!() })),
  ];
}

/** The outbox gauges from the database; returns the backlog per module. */
async function sampleOutbox(bus: EventBus, metrics: Metrics): Promise<Record<string, number>> {
  const lag = await bus.outboxLag();
  for (const [module, l] of Object.entries(lag)) {
    metrics.outboxBacklog.set({ module }, l.undispatched);
    metrics.outboxOldestAge.set({ module }, l.oldestAgeSeconds);
  }
  return Object.fromEntries(Object.entries(lag).map(([module, l]) => [module, l.undispatched]));
}

/** What /metrics reads from the database at each scrape rather than counts as it happens. */
function sampleAtScrape(bus: EventBus, metrics: Metrics): void {
  metrics.sampleOnScrape(async () => void (await sampleOutbox(bus, metrics)));
  metrics.sampleOnScrape(async () => {
    for (const [subscription, n] of Object.entries(await bus.deadLetterCounts())) metrics.deadLetters.set({ subscription }, n);
  });
}

/** Bull Board only exists with the BullMQ transport; its code is loaded only then. */
async function mountQueueBoard(app: OpenAPIHono<AppEnv>, transport: Transport, verifier: TokenVerifier, operatorRole: string): Promise<void> {
  if (transport.name !== 'bullmq') return;
  const { mountBullBoard, BullMqTransport } = await import('./bus/bullmq-transport.ts');
  // The board's cookie lives no longer than a usual access token; the token inside is still verified on every request.
  if (transport instanceof BullMqTransport) await mountBullBoard(app, transport, verifier, 15 * 60, operatorRole);
}

/** The configured transport; BullMQ (and with it a Redis client) is imported only when chosen. */
async function defaultTransport(config: Config, logger: Logger): Promise<Transport> {
  const policy = { maxAttempts: config.BUS_MAX_ATTEMPTS, backoffMs: config.BUS_BACKOFF_MS, concurrency: config.BUS_CONCURRENCY };
  if (config.EVENT_TRANSPORT === 'bullmq') {
    const { BullMqTransport } = await import('./bus/bullmq-transport.ts');
    return new BullMqTransport({ url: config.REDIS_URL!, prefix: config.BULLMQ_PREFIX, ...policy, batchSize: config.BUS_BATCH_SIZE }, logger);
  }
  return new InProcessTransport({ ...policy, batchSize: config.BUS_BATCH_SIZE }, logger);
}

/** The kernel's settings alone: a module sees these and its own, never the whole environment. */
function pickKernelSettings(config: Config): KernelConfig {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(kernelSettings.shape)) picked[key] = config[key as keyof KernelConfig];
  return picked as KernelConfig;
}
