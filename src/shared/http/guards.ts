import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/tokens.ts';
import { Problem } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import type { GatewayOptions } from './gateway.ts';
import { problemResponse } from './problem.ts';

/** JSON bodies are parsed only from this media type (charset optional, and then UTF-8). */
const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

// The gateway's guards: what every request passes before a module sees it.

/** The client's address: the socket's peer, or the proxy's X-Forwarded-For entry when one is trusted. */
export function clientAddress(trustProxy: boolean): (c: Context) => string {
  return (c) => {
    let address = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
    if (trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
      if (forwarded) address = forwarded;
    }
    return address ?? 'unknown';
  };
}

/** The options of Hono's secure headers for every answer but the reference page: nothing may run or frame a JSON answer. */
export const API_SECURITY_OPTIONS = { contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } };

/**
 * What Hono's `secureHeaders(API_SECURITY_OPTIONS)` sets, as a static list (a test compares the two,
 * so they cannot drift): its defaults plus the policy above.
 */
export const API_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
];

/** The reference page may run its own script (by nonce) and talk to this origin, nothing else. */
export function docsHeaders(): MiddlewareHandler<AppEnv> {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  });
}

export function bodyLimits(defaultBytes: number, overrides: Record<string, number>): MiddlewareHandler<AppEnv> {
  const tooLarge = (max: number) => (c: Context) =>
    problemResponse(c, 413, `Request body exceeds ${max} bytes`, { type: 'payload-too-large' });
  const byPrefix = Object.entries(overrides)
    .sort(([a], [b]) => b.length - a.length)
    .map(([prefix, max]) => [prefix, bodyLimit({ maxSize: max, onError: tooLarge(max) })] as const);
  const fallback = bodyLimit({ maxSize: defaultBytes, onError: tooLarge(defaultBytes) });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const limit = byPrefix.find(([prefix]) => c.req.path.startsWith(prefix))?.[1] ?? fallback;
    return limit(c as Context, next);
  };
}

/**
 * A body is read as JSON only when it says it is JSON. Without this, any `+json` suffix (and a
 * missing content type on some routes) was parsed too, which lets a form post from a browser
 * reach JSON routes without a CORS preflight.
 */
export function jsonOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const type = c.req.header('content-type');
    const length = c.req.header('content-length');
    const hasBody = type !== undefined || (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    if (hasBody && (type === undefined || !JSON_CONTENT_TYPE.test(type))) {
      return problemResponse(c, 415, 'Request bodies must be application/json (UTF-8)', { type: 'unsupported-media-type' });
    }
    return next();
  };
}

/** State-changing requests need a token whose account still exists with the token's role. */
export function confirmedPrincipal(confirm: (p: Principal) => Promise<boolean>): MiddlewareHandler<AppEnv> {
  // A short memory of confirmed subjects: a burst of writes by one user costs one lookup.
  const confirmed = new Map<string, number>();
  const TTL_MS = 5000;
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal || c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const key = `${principal.id} ${principal.role}`;
    const until = confirmed.get(key);
    if (until === undefined || until < Date.now()) {
      if (!(await confirm(principal))) {
        confirmed.delete(key);
        throw new Problem(401, 'invalid-token', 'Access token rejected: its account no longer exists or has another role', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      }
      if (confirmed.size >= 10_000) confirmed.clear();
      confirmed.set(key, Date.now() + TTL_MS);
    }
    return next();
  };
}

/** Who may read /metrics and detailed readiness: everyone (when configured), an operator, or a scraper's token. */
export function operationsAccess(options: GatewayOptions) {
  const scrape = options.metricsToken ? createHash('sha256').update(options.metricsToken).digest() : undefined;
  const bearer = (c: Context) => /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  return {
    async allows(c: Context<AppEnv>): Promise<boolean> {
      if (options.operationsPublic) return true;
      const presented = bearer(c);
      if (presented === undefined) return false;
      if (scrape !== undefined && timingSafeEqual(createHash('sha256').update(presented).digest(), scrape)) return true;
      if (!options.operatorRole) return false;
      try {
        return (await options.verifier.verify(presented)).role === options.operatorRole;
      } catch {
        return false;
      }
    },
    refusal(c: Context<AppEnv>): Problem {
      return bearer(c)
        ? new Problem(403, 'forbidden', 'Metrics are for operators and the configured scraper')
        : new Problem(401, 'unauthorized', 'Metrics need an operator token or the scrape token', {}, { 'WWW-Authenticate': 'Bearer' });
    },
  };
}
