import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { randomFillSync } from 'node:crypto';
import type { TokenVerifier } from '../auth/tokens.ts';
import { runInContext } from '../context.ts';
import { ModuleUnavailableError, Problem } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { AppEnv } from './app-env.ts';
import { authenticate } from './auth.ts';
import { problemResponse, validationProblem } from './problem.ts';

export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface GatewayOptions {
  logger: Logger;
  metrics: Metrics;
  verifier: TokenVerifier;
  readiness: ReadinessCheck[];
  routes: Record<string, OpenAPIHono<AppEnv>>;
  /** Routes outside the OpenAPI document (well-known files, admin tools). */
  extra?: (app: OpenAPIHono<AppEnv>) => void;
}

/**
 * The Hono app in front of every module: request ids, logs, metrics, token verification,
 * problem+json errors, health, and the OpenAPI document with its reference page.
 */
export function createGateway(options: GatewayOptions): OpenAPIHono<AppEnv> {
  const { logger, metrics } = options;
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => (result.success ? undefined : validationProblem(c, result.error, result.target)),
  });

  // One middleware does the per-request bookkeeping: every request pays for it, so it allocates
  // little. The access line is written inside the request's context, where the logger's mixin
  // adds the request id; no child logger is built per request.
  const observe = histogramChildren(metrics);
  app.use(async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const id = incoming && incoming.length <= 255 && REQUEST_ID.test(incoming) ? incoming : requestIdV7();
    c.set('requestId', id);
    c.set('logger', logger);
    c.header('X-Request-Id', id);
    const context = { requestId: id, correlationId: c.req.header('x-correlation-id') ?? id, traceparent: c.req.header('traceparent') };
    await runInContext(context, async () => {
      await next();
      const seconds = (performance.now() - started) / 1000;
      const status = c.res.status;
      observe(c.req.method, c.req.routePath ?? 'unmatched', status, seconds);
      if (status >= 500) logger.error({ method: c.req.method, path: c.req.path, status, ms: Math.round(seconds * 1000) }, 'request failed');
      else if (logger.isLevelEnabled('info')) logger.info({ method: c.req.method, path: c.req.path, status, ms: Math.round(seconds * 1000) }, 'request');
    });
  });
  app.use('/api/*', authenticate(options.verifier));

  app.get('/health/live', (c) => c.json({ status: 'ok' }));
  app.get('/health/ready', async (c) => {
    const results = await Promise.all(
      options.readiness.map(async (r) => {
        try {
          return [r.name, await withTimeout(r.check(), 2000)] as const;
        } catch (err) {
          return [r.name, { ok: false, detail: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results.map(([name, res]) => [name, { status: res.ok ? 'up' : 'down', ...(res.detail ? { detail: res.detail } : {}) }]));
    const ok = results.every(([, r]) => r.ok);
    return c.json({ status: ok ? 'ready' : 'unavailable', checks }, ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));

  for (const [path, router] of Object.entries(options.routes)) app.route(path, router);
  options.extra?.(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Café modular monolith',
      version: '0.1.0',
      description: 'Bounded-context modules behind one gateway. Errors are application/problem+json (RFC 9457).',
    },
  });
  app.get('/docs', Scalar({ url: '/openapi.json', pageTitle: 'Café API reference' }));

  app.notFound((c) => problemResponse(c, 404, `No route for ${c.req.method} ${c.req.path}`, { type: 'route-not-found' }));
  app.onError((err, c) => {
    if (err instanceof Problem) return problemResponse(c, err.status, err.message, { type: err.type, extra: err.extra, headers: err.headers });
    if (err instanceof ZodError) return validationProblem(c, err);
    if (err instanceof ModuleUnavailableError) {
      logger.warn({ err }, 'needed module unavailable');
      return problemResponse(c, 503, `The ${err.module} module is unavailable; try again shortly`, { type: 'module-unavailable', headers: { 'Retry-After': '5' } });
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      return problemResponse(c, status, err.message || 'Request rejected', { type: status === 400 ? 'malformed-request' : undefined });
    }
    logger.error({ err, path: c.req.path }, 'unhandled error');
    return problemResponse(c, 500, 'An unexpected error occurred. Quote the request id when reporting it.', { type: 'internal' });
  });
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

/** What an incoming X-Request-Id may contain to be kept (as Hono's request-id middleware allows). */
const REQUEST_ID = /^[\w\-=]+$/;

/**
 * The request-duration histogram's labelled children, looked up by one string key instead of
 * prom-client hashing a label object on every observation.
 */
function histogramChildren(metrics: Metrics): (method: string, route: string, status: number, seconds: number) => void {
  const children = new Map<string, { observe(v: number): void }>();
  return (method, route, status, seconds) => {
    const key = `${method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = metrics.httpRequests.labels(method, route, String(status));
      children.set(key, child);
    }
    child.observe(seconds);
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const pool = new Uint8Array(16 * 256);
let poolOffset = pool.length;

/**
 * A UUIDv7 (RFC 9562: 48-bit Unix milliseconds, version, variant, random bits), so request ids
 * sort by time. The random bits come from a pool filled 256 ids at a time: one system call per
 * 256 requests instead of one per request.
 */
export function requestIdV7(now = Date.now()): string {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const r = pool;
  const o = poolOffset;
  poolOffset += 10;
  const ms = now.toString(16).padStart(12, '0');
  return (
    `${ms.slice(0, 8)}-${ms.slice(8, 12)}-` +
    `${HEX[0x70 | (r[o]! & 0x0f)]}${HEX[r[o + 1]!]}-` +
    `${HEX[0x80 | (r[o + 2]! & 0x3f)]}${HEX[r[o + 3]!]}-` +
    `${HEX[r[o + 4]!]}${HEX[r[o + 5]!]}${HEX[r[o + 6]!]}${HEX[r[o + 7]!]}${HEX[r[o + 8]!]}${HEX[r[o + 9]!]}`
  );
}
