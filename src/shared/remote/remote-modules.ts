import type { Hono } from 'hono';
import type { ApiRegistry } from '../api-registry.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { loadSigningKey } from '../auth/keys.ts';
import type { Config } from '../config.ts';
import type { DeadLetterDesk } from '../http/admin-routes.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { ReadinessCheck } from '../http/gateway.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Topology } from '../topology.ts';
import { InstancePool } from './instances.ts';
import { internalDeadLetterRoutes } from './internal-dead-letters.ts';
import { internalRoutes } from './internal-routes.ts';
import { proxyTo } from './proxy.ts';
import { DeadLettersEverywhere } from './remote-dead-letters.ts';
import { RemoteDocuments, type RemoteParts } from './remote-documents.ts';
import { INTERNAL_PREFIX, RemoteModule } from './remote-module.ts';
import { ServiceTokens } from './service-tokens.ts';

/**
 * This process's side of a split deployment: clients and proxies for the modules hosted elsewhere,
 * and the internal routes through which others call the modules hosted here. In the monolith it
 * still serves the internal routes (so another process may call in) but locates nothing.
 */
export class RemoteModules {
  private constructor(
    readonly tokens: ServiceTokens,
    readonly remotes: readonly { module: RemoteModule; mountPath?: string; subscriptions: readonly string[] }[],
    private readonly registry: ApiRegistry,
    private readonly hosted: ReadonlySet<string>,
    private readonly timeoutMs: number,
    private readonly documents: RemoteDocuments | undefined,
    private readonly logger: Logger,
  ) {}

  static async connect(topology: Topology, config: Config, registry: ApiRegistry, metrics: Metrics, logger: Logger): Promise<RemoteModules> {
    const service = topology.hosted.map((m) => m.name).join('+');
    const key = await loadSigningKey(config.SERVICE_TOKEN_KEY, config.DATA_DIR, 'service-signing-key.pem');
    const tokens = new ServiceTokens(key, service, { jwksUrls: config.SERVICE_TOKEN_JWKS_URLS ?? [] });
    const log = logger.child({ component: 'remote' });
    const policy = {
      timeoutMs: config.REMOTE_TIMEOUT_MS,
      retries: config.REMOTE_RETRIES,
      breakerFailures: config.REMOTE_BREAKER_FAILURES,
      halfOpenAfterMs: config.REMOTE_BREAKER_HALF_OPEN_MS,
    };
    const remotes = topology.remote.map(({ definition, urls }) => {
      const pool = new InstancePool(definition.name, { urls, healthIntervalMs: config.REMOTE_HEALTH_INTERVAL_MS, dnsRefreshMs: config.REMOTE_DNS_REFRESH_MS }, log);
      const module = new RemoteModule(definition.name, pool, tokens, policy, metrics, log);
      registry.locate(module);
      return { module, mountPath: definition.mountPath, subscriptions: Object.keys(definition.subscribesTo) };
    });
    const routed = remotes.flatMap((r) => (r.mountPath ? [{ module: r.module, mountPath: r.mountPath }] : []));
    const documents = routed.length > 0 ? new RemoteDocuments(routed, { timeoutMs: config.REMOTE_TIMEOUT_MS, ttlMs: config.REMOTE_DOCUMENT_TTL_MS }, log) : undefined;
    return new RemoteModules(tokens, remotes, registry, new Set(topology.hosted.map((m) => m.name)), config.REMOTE_TIMEOUT_MS, documents, log);
  }

  /** Internal routes, the service key document, and a proxy for each remote module's public paths. */
  mount(app: Hono<AppEnv>, bus: EventBus, operatorRole: string): void {
    app.route(INTERNAL_PREFIX, internalDeadLetterRoutes(bus, this.hosted, this.tokens, operatorRole));
    app.route(INTERNAL_PREFIX, internalRoutes(this.registry, this.tokens, this.logger));
    app.get('/.well-known/service-jwks.json', (c) => c.json(this.tokens.jwks(), 200, { 'cache-control': 'public, max-age=300' }));
    for (const { module, mountPath } of this.remotes) if (mountPath) proxyTo(app, module, mountPath);
  }

  /** The dead letters the operator routes show: this process's and every remote module's. */
  deadLetters(bus: EventBus): DeadLetterDesk {
    return new DeadLettersEverywhere(bus, this.remotes, this.tokens, this.timeoutMs, this.logger);
  }

  /** Where each remote module runs now: its instances and its breaker (the console's graph). */
  locations(): { module: string; breaker: string; instances: { base: string; healthy: boolean }[] }[] {
    return this.remotes.map(({ module }) => ({ module: module.module, breaker: module.breakerState, instances: module.pool.snapshot() }));
  }

  /** The remote modules' share of the OpenAPI document; undefined when no public route lives elsewhere. */
  get documentParts(): (() => Promise<RemoteParts>) | undefined {
    const documents = this.documents;
    return documents ? () => documents.parts() : undefined;
  }

  async start(): Promise<void> {
    await Promise.all(this.remotes.map((r) => r.module.pool.start()));
    // Fetched ahead, so the first reader of /openapi.json does not wait; one that fails is asked again then.
    void this.documents?.parts();
    for (const { module } of this.remotes) {
      this.logger.info({ module: module.module, instances: module.pool.snapshot() }, `module ${module.module} is remote`);
    }
  }

  stop(): void {
    for (const r of this.remotes) r.module.pool.stop();
  }

  /**
   * One check per remote module. A remote module being down does not make this process unready
   * (restarting it would not help, and the saga waits for payments by design); the breaker
   * state and instances show in the detail.
   */
  readiness(): ReadinessCheck[] {
    return this.remotes.map(({ module }) => ({
      name: `remote:${module.module}`,
      check: async () => {
        const instances = module.pool.snapshot();
        const healthy = instances.filter((i) => i.healthy).length;
        return { ok: true, detail: `breaker ${module.breakerState}; ${healthy}/${instances.length} instances healthy (${instances.map((i) => `${i.base} ${i.healthy ? 'up' : 'down'}`).join(', ')})` };
      },
    }));
  }
}
