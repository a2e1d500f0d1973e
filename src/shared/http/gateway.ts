import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ServerResponse } from 'node:http';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import { createHash, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Principal, TokenVerifier } from '../auth/tokens.ts';
import { runInContext } from '../context.ts';
import { ContractViolationError, ModuleUnavailableError, Problem } from '../errors.ts';
import { accessLogger, type Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { serverSpan } from '../telemetry/http-spans.ts';
import type { AppEnv } from './app-env.ts';
import { authenticate } from './auth.ts';
import type { DocumentPart } from './document-parts.ts';
import { describeDocument, gatewayRoutes, methodsAllowed } from './openapi-document.ts';
import { docsPage } from './docs-page.ts';
import { API_SECURITY_HEADERS, bodyLimits, clientAddress, confirmedPrincipal, docsHeaders, jsonOnly, operationsAccess } from './guards.ts';
import { contractViolationProblem, problemResponse, validationProblem } from './problem.ts';
import { isPagePath, mountWebPages, type WebPagesOptions } from './web-pages.ts';

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
  /** The public keys that verify access tokens, served as /.well-known/jwks.json. */
  jwks?: () => { keys: object[] };
  /** The operations of modules hosted in other processes, for the OpenAPI document. */
  remoteDocumentParts?: () => Promise<{ parts: DocumentPart[]; unreachable: string[] }>;
  /** The café page and the console, served from their built folder. */
  pages?: WebPagesOptions;
  /** Routes outside the OpenAPI document (well-known files, admin tools). */
  extra?: (app: OpenAPIHono<AppEnv>) => void;
  /** The role that may read metrics and detailed readiness. */
  operatorRole?: string;
  /** Largest request body by default, in bytes. */
  bodyLimitBytes?: number;
  /** Larger (or smaller) limits for routes under a path prefix, e.g. `{ '/api/catalog/import': 1_000_000 }`. */
  bodyLimits?: Record<string, number>;
  /** Take the client address from the last X-Forwarded-For entry (behind one trusted proxy). */
  trustProxy?: boolean;
  /** A bearer token for Prometheus scrapes of /metrics (besides an operator's access token). */
  metricsToken?: string;
  /** /metrics and detailed /health/ready open to anyone, as on a private network. */
  operationsPublic?: boolean;
  /**
   * Confirms that a token's subject still has an account with the token's role, before any
   * request that changes state. Tokens outlive deleted accounts and role changes by their
   * lifetime; this closes that gap where it matters.
   */
  confirmPrincipal?: (principal: Principal) => Promise<boolean>;
}

const DEFAULT_BODY_LIMIT = 32 * 1024;


/** What the Node adapter hands a handler as `c.env`: the response it will write. */
type NodeBindings = { outgoing?: Pick<ServerResponse, 'setHeader' | 'headersSent'> } | undefined;

/**
 * The request id and the API's security headers, set before the handler runs so they join the
 * response as it is built (set on the finished response, they would force the node adapter off
 * its fast path). Under the Node adapter they go straight onto Node's response, which merges them
 * into the head it writes, the handler's own headers winning; that skips a dozen `Headers.set`
 * calls per request. Elsewhere (`app.request` in tests, another adapter) through Hono.
 */
function setHeaders(c: Context<AppEnv>, requestId: string, api: boolean): void {
  const outgoing = (c.env as NodeBindings)?.outgoing;
  if (outgoing && typeof outgoing.setHeader === 'function' && !outgoing.headersSent) {
    outgoing.setHeader('X-Request-Id', requestId);
    if (api) for (const [name, value] of API_SECURITY_HEADERS) outgoing.setHeader(name, value);
    return;
  }
  c.header('X-Request-Id', requestId);
  if (api) for (const [name, value] of API_SECURITY_HEADERS) c.header(name, value);
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
  const access = accessLogger(logger);
  const addressOf = clientAddress(options.trustProxy ?? false);
  app.use(async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const id = incoming && incoming.length <= 255 && REQUEST_ID.test(incoming) ? incoming : requestIdV7();
    c.set('requestId', id);
    c.set('logger', logger);
    c.set('clientAddress', addressOf(c));
    // The reference page and the browser pages set their own policies.
    setHeaders(c, id, c.req.path !== '/docs' && !isPagePath(c.req.path));
    const context = { requestId: id, correlationId: c.req.header('x-correlation-id') ?? id, traceparent: c.req.header('traceparent') };
    // The access line is written inside the request's span too, so it carries the trace id.
    await runInContext(context, () => serverSpan(c, id, async () => {
      await next();
      const seconds = (performance.now() - started) / 1000;
      const status = c.res.status;
      observe(c.req.method, c.req.routePath ?? 'unmatched', status, seconds);
      if (status >= 500) access.error({ method: c.req.method, path: c.req.path, status, ms: Math.round(seconds * 1000) }, 'request failed');
      // Liveness probes (remote instances, orchestrators) every few seconds would drown the access log.
      else if (access.isLevelEnabled('info') && c.req.path !== '/health/live') access.info({ method: c.req.method, path: c.req.path, status, ms: Math.round(seconds * 1000) }, 'request');
    }));
  });
  app.use('/docs', docsHeaders());
  app.use(bodyLimits(options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT, options.bodyLimits ?? {}));
  app.use('/api/*', jsonOnly());
  app.use('/api/*', authenticate(options.verifier));
  if (options.confirmPrincipal) app.use('/api/*', confirmedPrincipal(options.confirmPrincipal));

  const operations = operationsAccess(options);
  const health = gatewayRoutes();
  app.openapi(health.live, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(health.ready, async (c) => {
    const results = await Promise.all(
      options.readiness.map(async (r) => {
        try {
          return [r.name, await withTimeout(r.check(), 2000)] as const;
        } catch (err) {
          return [r.name, { ok: false, detail: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results.map(([name, res]) => [name, { status: res.ok ? ('up' as const) : ('down' as const), ...(res.detail ? { detail: res.detail } : {}) }]));
    const ok = results.every(([, r]) => r.ok);
    const status = ok ? ('ready' as const) : ('unavailable' as const);
    // Dependency names and their errors help an attacker as much as an operator: details only for operators.
    const body = (await operations.allows(c)) ? { status, checks } : { status };
    return ok ? c.json(body, 200) : c.json(body, 503);
  });
  // Prometheus text, not JSON: the typed route describes it, the handler answers the registry's bytes.
  app.openapi(health.metrics, async (c) => {
    if (!(await operations.allows(c))) throw operations.refusal(c);
    return c.body(await metrics.scrape(), 200, { 'content-type': metrics.registry.contentType }) as never;
  });
  const jwks = options.jwks;
  if (jwks) app.openapi(health.jwks, (c) => c.json(jwks() as { keys: { kty: string; kid: string; alg: string; use: 'sig' }[] }, 200, { 'cache-control': 'public, max-age=300' }));

  for (const [path, router] of Object.entries(options.routes)) app.route(path, router);
  options.extra?.(app);
  if (options.pages) mountWebPages(app, options.pages);

  describeDocument(app, DOCS_SCRIPT_PATH, options.remoteDocumentParts);
  // The reference page's script is served from here, not from a CDN: nothing third-party runs on the API's origin.
  app.get(DOCS_SCRIPT_PATH, (c) => {
    const script = docsScript();
    if (c.req.header('if-none-match') === script.etag) return c.body(null, 304);
    return c.body(script.body, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400', etag: script.etag });
  });
  app.get('/docs', (c) =>
    c.html(docsPage({ title: 'Café API reference', specUrl: '/openapi.json', scriptUrl: DOCS_SCRIPT_PATH, nonce: (c as Context).get('secureHeadersNonce' as never) })),
  );

  // A known path asked with a method it does not have answers 405 with the methods it has.
  app.notFound((c) => {
    const allowed = methodsAllowed(app, c.req.path);
    if (allowed.length > 0) {
      return problemResponse(c, 405, `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(', ')}`, { type: 'method-not-allowed', headers: { Allow: allowed.join(', ') } });
    }
    return problemResponse(c, 404, `No route for ${c.req.method} ${c.req.path}`, { type: 'route-not-found' });
  });
  app.onError((err, c) => {
    if (err instanceof Problem) return problemResponse(c, err.status, err.message, { type: err.type, extra: err.extra, headers: err.headers });
    if (err instanceof ZodError) return validationProblem(c, err);
    if (err instanceof ModuleUnavailableError) {
      logger.warn({ err }, 'needed module unavailable');
      return problemResponse(c, 503, `The ${err.module} module is unavailable; try again shortly`, { type: 'module-unavailable', headers: { 'Retry-After': '5' } });
    }
    if (err instanceof ContractViolationError) {
      logger.error({ err, path: c.req.path }, 'a module answered outside its contract');
      return contractViolationProblem(c, err);
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

const DOCS_SCRIPT_PATH = '/docs/assets/api-reference.js';
let docsScriptCache: { body: string; etag: string } | undefined;

/** The API reference's browser bundle, from the pinned package, read once. */
function docsScript(): { body: string; etag: string } {
  if (!docsScriptCache) {
    const body = readFileSync(createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js'), 'utf8');
    docsScriptCache = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  }
  return docsScriptCache;
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
