import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { localClient, type ApiClient, type ApiContract, type ApiImplementation, type Fault } from './api.ts';
import { loadSigningKey } from './auth/keys.ts';
import { createTokenIssuer, createTokenVerifier } from './auth/tokens.ts';
import { EventBus } from './bus/event-bus.ts';
import { InProcessTransport } from './bus/inprocess-transport.ts';
import type { Transport } from './bus/transport.ts';
import type { Config } from './config.ts';
import { Database } from './db/database.ts';
import { migrateModules } from './db/migrate.ts';
import { moduleRolesFor } from './db/roles.ts';
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { AppEnv } from './http/app-env.ts';
import { requireRole } from './http/auth.ts';
import { createGateway, type ReadinessCheck } from './http/gateway.ts';
import { createRouter } from './http/router.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import type { ModuleContext, ModuleDefinition, ModuleInstance } from './module.ts';
import { verifyModuleGraph } from './verify.ts';
import { notFound } from './errors.ts';

export interface KernelOptions {
  config: Config;
  modules: readonly ModuleDefinition[];
  migrationsRoot: string;
  logger?: Logger;
  /** Builds the event transport; the in-process one when absent. */
  transport?: (ctx: { config: Config; logger: Logger; metrics: Metrics }) => Transport;
  /** Extra readiness checks from the composition root (e.g. Redis). */
  readiness?: ReadinessCheck[];
}

export interface Kernel {
  readonly app: OpenAPIHono<AppEnv>;
  readonly bus: EventBus;
  readonly db: Database;
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** A module's public API, as other modules see it. */
  api<C extends ApiContract>(contract: C): ApiClient<C>;
  /** Makes a module's public API fail as if it were unreachable (tests, chaos drills). */
  injectFault(module: string, fault: Fault | undefined): void;
  stop(): Promise<void>;
}

/**
 * Wires modules into one process: verifies the graph, migrates, sets each module up with its
 * context, starts the bus and returns the gateway. The composition root is the only caller.
 */
export async function createKernel(options: KernelOptions): Promise<Kernel> {
  const { config, modules } = options;
  verifyModuleGraph(modules);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics();

  const db = openDatabase(config);
  const stoppers: (() => Promise<void>)[] = [];
  try {
    await migrateModules(db, migrationPlan(modules, options.migrationsRoot));

    const key = await loadSigningKey(config.JWT_PRIVATE_KEY, config.DATA_DIR);
    const tokens = createTokenIssuer(key, config.JWT_ISSUER, config.ACCESS_TOKEN_TTL_SECONDS);
    const verifier = createTokenVerifier(config.JWT_JWKS_URL ? { url: config.JWT_JWKS_URL } : { jwks: tokens.jwks() }, config.JWT_ISSUER);

    const transport = options.transport?.({ config, logger, metrics }) ?? (await defaultTransport(config, logger.child({ component: 'bus' })));
    const pg = db.postgresClient;
    const bus = new EventBus(
      transport,
      {
        pollMs: config.OUTBOX_POLL_MS,
        batchSize: config.OUTBOX_BATCH_SIZE,
        leaseSeconds: config.OUTBOX_LEASE_SECONDS,
        retentionHours: config.EVENT_RETENTION_HOURS,
        notifies: db.kind === 'postgres',
        listen: pg ? async (channel, onNotify) => pg.listen(channel, onNotify) : undefined,
      },
      logger.child({ component: 'bus' }),
      metrics,
    );

    const implementations = new Map<string, ApiImplementation<ApiContract>>();
    const faults = new Map<string, Fault>();
    const clients = new Map<string, unknown>();
    const api = <C extends ApiContract>(contract: C): ApiClient<C> => {
      let client = clients.get(contract.module) as ApiClient<C> | undefined;
      if (!client) {
        const lazy: Record<string, (input: unknown) => Promise<unknown>> = {};
        let real: ApiClient<C> | undefined;
        for (const method of Object.keys(contract.methods)) {
          lazy[method] = (input) => {
            if (!real) {
              const impl = implementations.get(contract.module);
              if (!impl) throw new Error(`No implementation of the ${contract.module} API in this process`);
              real = localClient(contract, impl as ApiImplementation<C>, metrics, () => faults.get(contract.module));
            }
            return (real as Record<string, (i: unknown) => Promise<unknown>>)[method]!(input);
          };
        }
        client = lazy as ApiClient<C>;
        clients.set(contract.module, client);
      }
      return client;
    };

    const instances: [ModuleDefinition, ModuleInstance][] = [];
    const routes: Record<string, OpenAPIHono<AppEnv>> = {};
    for (const def of modules) {
      const moduleDb = db.forModule(def.name);
      bus.registerModule(def.name, moduleDb, def.tables, def.publishes);
      const required = new Set(def.requires.map((r) => r.module));
      const ctx: ModuleContext = {
        name: def.name,
        config,
        logger: logger.child({ module: def.name }),
        db: moduleDb,
        databaseKind: db.kind,
        unitOfWork: (work) => bus.unitOfWork(def.name, work),
        api: (contract) => {
          if (!required.has(contract.module)) throw new Error(`Module ${def.name} uses the ${contract.module} API without declaring it in requires`);
          return api(contract);
        },
        tokens,
        router: createRouter,
      };
      const instance = await def.setup(ctx);
      if (def.provides) {
        if (!instance.api) throw new Error(`Module ${def.name} declares an API but its setup returned none`);
        implementations.set(def.name, instance.api as ApiImplementation<ApiContract>);
      }
      for (const sub of instance.subscriptions ?? []) {
        if (!def.subscribesTo.some((e) => e.type === sub.event.type)) {
          throw new Error(`Module ${def.name} subscribes to ${sub.event.type} without declaring it in subscribesTo`);
        }
        bus.addSubscription(def.name, sub);
      }
      Object.assign(routes, instance.routes ?? {});
      instances.push([def, instance]);
    }

    const readiness: ReadinessCheck[] = [
      { name: 'database', check: async () => (await db.ping(), { ok: true, detail: db.kind }) },
      { name: 'bus', check: () => transport.health() },
      ...(transport.name === 'bullmq' ? [{ name: 'redis', check: () => transport.health() }] : []),
      {
        name: 'outbox',
        check: async () => {
          const backlog = await bus.backlog();
          for (const [module, n] of Object.entries(backlog)) metrics.outboxBacklog.set({ module }, n);
          return { ok: true, detail: `undispatched: ${JSON.stringify(backlog)}` };
        },
      },
      ...(options.readiness ?? []),
      ...instances.filter(([, i]) => i.health).map(([d, i]) => ({ name: d.name, check: () => i.health!() })),
    ];

    // Bull Board only exists with the BullMQ transport; its module is loaded only then.
    let mountBoard: ((a: OpenAPIHono<AppEnv>) => Promise<void>) | undefined;
    if (transport.name === 'bullmq') {
      const { mountBullBoard, BullMqTransport } = await import('./bus/bullmq-transport.ts');
      if (transport instanceof BullMqTransport) mountBoard = (a) => mountBullBoard(a, transport, verifier, config.ACCESS_TOKEN_TTL_SECONDS);
    }

    const app = createGateway({
      logger,
      metrics,
      verifier,
      readiness,
      routes: { ...routes, '/api/admin': adminRoutes(bus) },
      extra: (a) => a.get('/.well-known/jwks.json', (c) => c.json(tokens.jwks(), 200, { 'cache-control': 'public, max-age=300' })),
    });

    // Shutdown runs this list backwards: module jobs stop first, then the bus drains.
    await bus.start();
    stoppers.push(() => bus.stop());
    await mountBoard?.(app);
    for (const [def, instance] of instances) {
      if (instance.start) {
        await instance.start();
        logger.debug({ module: def.name }, 'module started');
      }
      if (instance.stop) stoppers.push(() => instance.stop!());
    }

    let stopped = false;
    return {
      app,
      bus,
      db,
      config,
      logger,
      metrics,
      api,
      injectFault: (module, fault) => (fault ? faults.set(module, fault) : faults.delete(module)),
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const s of [...stoppers].reverse()) {
          try {
            await s();
          } catch (err) {
            logger.error({ err }, 'error while stopping');
          }
        }
        await db.close();
      },
    };
  } catch (err) {
    for (const s of [...stoppers].reverse()) await s().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }
}

/** The configured transport; BullMQ (and with it a Redis client) is imported only when chosen. */
async function defaultTransport(config: Config, logger: Logger): Promise<Transport> {
  const policy = { maxAttempts: config.BUS_MAX_ATTEMPTS, backoffMs: config.BUS_BACKOFF_MS, concurrency: config.BUS_CONCURRENCY };
  if (config.EVENT_TRANSPORT === 'bullmq') {
    const { BullMqTransport } = await import('./bus/bullmq-transport.ts');
    return new BullMqTransport({ url: config.REDIS_URL!, prefix: config.BULLMQ_PREFIX, ...policy }, logger);
  }
  return new InProcessTransport({ ...policy, batchSize: config.BUS_BATCH_SIZE }, logger);
}

/** The process's database as configured, with module roles on real Postgres. */
export function openDatabase(config: Config, poolSize = config.DATABASE_POOL_SIZE): Database {
  return new Database({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize,
    moduleRoles: config.DATABASE_URL && config.DATABASE_MODULE_ROLES ? moduleRolesFor(config.DATABASE_URL) : undefined,
  });
}

/** Where each module's migrations live and which schema they own. */
export function migrationPlan(modules: readonly ModuleDefinition[], migrationsRoot: string) {
  return modules.map((m) => ({ name: m.name, folder: m.migrations ?? `${migrationsRoot}/${m.name}`, schema: getTableConfig(m.tables.outbox).schema }));
}

function adminRoutes(bus: EventBus): OpenAPIHono<AppEnv> {
  const router = createRouter();
  router.use('*', requireRole('admin'));
  const DeadLetter = z
    .object({
      eventId: z.string(),
      subscription: z.string(),
      module: z.string(),
      type: z.string(),
      attempts: z.number(),
      lastError: z.string().nullable(),
      failedAt: z.string(),
      envelope: z.record(z.string(), z.unknown()),
    })
    .openapi('DeadLetter');
  router.openapi(
    createRoute({
      method: 'get',
      path: '/dead-letters',
      tags: ['admin'],
      summary: 'Events a subscription gave up on after its retries',
      security: [{ bearer: [] }],
      responses: { 200: { description: 'Dead letters', content: { 'application/json': { schema: z.array(DeadLetter) } } } },
    }),
    async (c) => c.json((await bus.deadLetters()) as unknown as z.infer<typeof DeadLetter>[], 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/dead-letters/{eventId}/{subscription}/replay',
      tags: ['admin'],
      summary: 'Deliver a dead letter to its subscription again',
      security: [{ bearer: [] }],
      request: { params: z.object({ eventId: z.uuid(), subscription: z.string().min(1) }) },
      responses: { 202: { description: 'Replay accepted', content: { 'application/json': { schema: z.object({ replayed: z.literal(true) }) } } } },
    }),
    async (c) => {
      const { eventId, subscription } = c.req.valid('param');
      if (!(await bus.replay(eventId, subscription))) throw notFound('Dead letter');
      return c.json({ replayed: true as const }, 202);
    },
  );
  return router;
}
