import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env.ts';
import { withParts, type DocumentPart } from './document-parts.ts';
import { content, HEADERS, json, problem } from './openapi.ts';

const CheckStatus = z.object({ status: z.enum(['up', 'down']), detail: z.string().optional() });
const Readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z
      .record(z.string(), CheckStatus)
      .optional()
      .openapi({ description: 'One entry per dependency (database, bus, outbox, modules); only for operators and the scraper' }),
  })
  .openapi('Readiness');
const JsonWebKey = z
  .looseObject({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.literal('sig') })
  .openapi('JsonWebKey', { description: 'A public key (RFC 7517); its other members depend on the key type' });
const JsonWebKeySet = z.object({ keys: z.array(JsonWebKey) }).openapi('JsonWebKeySet');

/** The gateway's own operations: health, metrics and the keys that verify access tokens. */
export function gatewayRoutes() {
  return {
    live: createRoute({
      method: 'get',
      path: '/health/live',
      operationId: 'checkLiveness',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      security: [],
      responses: { 200: json(z.object({ status: z.literal('ok') }), 'Alive'), 500: problem(500) },
    }),
    ready: createRoute({
      method: 'get',
      path: '/health/ready',
      operationId: 'checkReadiness',
      tags: ['operations'],
      summary: 'Readiness: every dependency answers',
      description: 'Each check has two seconds. Anyone sees the status; an operator token or the scrape token also shows each check.',
      // Anonymous callers are answered too; a bearer only adds the details.
      security: [{}, { bearer: [] }],
      responses: { 200: json(Readiness, 'Ready'), 500: problem(500), 503: json(Readiness, 'Not ready: at least one check is down') },
    }),
    metrics: createRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'getMetrics',
      tags: ['operations'],
      summary: 'Prometheus metrics of this process',
      description: 'For operators and the configured scraper: an operator access token or the scrape token as the bearer (open to anyone only where OPERATIONS_PUBLIC is set).',
      security: [{ bearer: [] }],
      responses: {
        200: content('text/plain', z.string(), 'Prometheus text exposition format 0.0.4'),
        401: problem(401, 'No bearer token'),
        403: problem(403, 'A bearer that is neither an operator token nor the scrape token'),
        500: problem(500),
      },
    }),
    jwks: createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      operationId: 'getJsonWebKeySet',
      tags: ['identity'],
      summary: 'The public keys that verify access tokens',
      security: [],
      responses: { 200: json(JsonWebKeySet, 'Key set', ['Cache-Control']), 500: problem(500) },
    }),
  };
}

const INFO = {
  title: 'Café modular monolith',
  version: '0.1.0',
  // No licence is granted (package.json: private); SPDX's LicenseRef- form says so without inventing a URL.
  license: { name: 'Proprietary: all rights reserved', identifier: 'LicenseRef-Proprietary' },
  description: [
    'Bounded-context modules behind one gateway. Money is integer minor units (cents).',
    '',
    'Every error is `application/problem+json` (RFC 9457, schema `Problem`); validation problems list each bad field in `errors`. ' +
      'Every response carries `X-Request-Id`. A known path asked with a method it does not have answers 405 with `Allow`; an unknown path 404.',
    '',
    'Authenticated operations take `Authorization: Bearer <accessToken>` from `logIn`; a token sent to a public operation is still checked.',
  ].join('\n'),
};

/**
 * Serves the OpenAPI 3.1 document at /openapi.json: the routes' declarations plus the shared
 * components, bearer security as the default (public operations say `security: []`), the
 * server, and one tag per module, with the operations of modules hosted elsewhere merged in.
 */
export function describeDocument(
  app: OpenAPIHono<AppEnv>,
  docsScriptPath: string,
  remoteParts?: () => Promise<{ parts: DocumentPart[]; unreachable: string[] }>,
): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from logIn or refreshTokens' });
  for (const [name, header] of Object.entries(HEADERS)) registry.registerComponent('headers', name, header);
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tags: ['operations'],
    summary: 'This document',
    security: [],
    description: 'Operations of modules hosted in other processes come from their own documents; a module whose document could not be fetched is named in X-Unreachable-Modules.',
    responses: { 200: json(z.record(z.string(), z.unknown()), 'OpenAPI 3.1 document', ['X-Unreachable-Modules']), 500: problem(500) },
  });
  registry.registerPath({
    method: 'get',
    path: '/docs',
    operationId: 'getApiReference',
    tags: ['operations'],
    summary: 'The interactive API reference of this document',
    security: [],
    responses: { 200: content('text/html', z.string(), 'HTML page'), 500: problem(500) },
  });
  registry.registerPath({
    method: 'get',
    path: docsScriptPath,
    operationId: 'getApiReferenceScript',
    tags: ['operations'],
    summary: "The reference page's script, served from this origin",
    security: [],
    responses: {
      200: content('text/javascript', z.string(), 'The script', ['ETag', 'Cache-Control']),
      304: { description: 'Not modified since the ETag sent in If-None-Match', headers: { 'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' } } },
      500: problem(500),
    },
  });

  let document: { parts: readonly DocumentPart[]; text: string } | undefined;
  app.get('/openapi.json', async (c) => {
    const remote = remoteParts ? await remoteParts() : { parts: [], unreachable: [] };
    // Rebuilt only when a remote part changed: the local routes do not change after start.
    if (!document || !sameParts(document.parts, remote.parts)) document = { parts: remote.parts, text: JSON.stringify(buildDocument(app, remote.parts)) };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (remote.unreachable.length > 0) headers['X-Unreachable-Modules'] = remote.unreachable.join(', ');
    return c.body(document.text, 200, headers);
  });
}

const sameParts = (a: readonly DocumentPart[], b: readonly DocumentPart[]) => a.length === b.length && a.every((part, i) => part === b[i]);

/** The document of this app's routes, plus the operations of modules hosted in other processes. */
export function buildDocument(app: OpenAPIHono<AppEnv>, parts: readonly DocumentPart[] = []): Record<string, unknown> {
  const local = app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: INFO,
    servers: [{ url: '/', description: 'The server that serves this document' }],
    security: [{ bearer: [] }],
  }) as unknown as Record<string, unknown>;
  const doc = withParts(local, parts) as { paths: Record<string, Record<string, { tags?: string[] }>> } & Record<string, unknown>;
  const tags = new Set<string>();
  for (const item of Object.values(doc.paths)) for (const op of Object.values(item)) for (const t of op.tags ?? []) tags.add(t);
  const ordered = [...tags].sort((a, b) => (a === 'operations' ? 1 : b === 'operations' ? -1 : a.localeCompare(b)));
  return { ...doc, tags: ordered.map((name) => ({ name, description: name === 'operations' ? 'Health, metrics, dead letters and this document' : `The ${name} module` })) };
}

/**
 * The methods a path has when none matched the request's: empty for an unknown path. Hono
 * answers HEAD with the GET route, so a GET path allows HEAD too.
 */
export function methodsAllowed(app: OpenAPIHono<AppEnv>, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || route.path.includes('*')) continue;
    if (pathPattern(route.path).test(path)) methods.add(route.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

const patterns = new Map<string, RegExp>();
function pathPattern(template: string): RegExp {
  let p = patterns.get(template);
  if (!p) {
    const source = template
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    p = new RegExp(`^${source}$`);
    patterns.set(template, p);
  }
  return p;
}
