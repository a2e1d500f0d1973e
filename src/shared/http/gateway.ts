import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { ZodError } from 'zod';
import { uuidv7 } from 'uuidv7';
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

  app.use(requestId({ generator: () => uuidv7() }));
  app.use(async (c, next) => {
    const started = performance.now();
    const id = c.get('requestId');
    const log = logger.child({ requestId: id });
    c.set('logger', log);
    const traceparent = c.req.header('traceparent');
    await runInContext({ requestId: id, correlationId: c.req.header('x-correlation-id') ?? id, traceparent }, next);
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath ?? 'unmatched';
    metrics.httpRequests.observe({ method: c.req.method, route, status: String(c.res.status) }, seconds);
    const line = { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) };
    if (c.res.status >= 500) log.error(line, 'request failed');
    else log.info(line, 'request');
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
      c.get('logger')?.warn({ err }, 'needed module unavailable');
      return problemResponse(c, 503, `The ${err.module} module is unavailable; try again shortly`, { type: 'module-unavailable', headers: { 'Retry-After': '5' } });
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      return problemResponse(c, status, err.message || 'Request rejected', { type: status === 400 ? 'malformed-request' : undefined });
    }
    (c.get('logger') ?? logger).error({ err, path: c.req.path }, 'unhandled error');
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
