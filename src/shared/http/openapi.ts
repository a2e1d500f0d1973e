import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { requireRole, requireUser } from './auth.ts';

/**
 * The pieces every operation of the document is built from, so the document states what the
 * server enforces: one Problem schema for every error, the statuses each kind of route can
 * answer, and string formats with the patterns the server's own checks use.
 */

/** Where a bad value was found; the names the request validator reports. */
export const FieldLocation = z.enum(['body', 'query', 'param', 'header', 'cookie', 'form']);

export const FieldError = z
  .object({
    field: z.string().openapi({ description: 'Dotted path of the bad value (`items.0.quantity`), or the parameter or header name', example: 'items.0.quantity' }),
    message: z.string().openapi({ example: 'Too big: expected number to be <=20' }),
    location: FieldLocation.optional(),
  })
  .openapi('FieldError', { description: 'One bad field of a validation problem' });

export const ProblemDocument = z
  .looseObject({
    type: z.url().openapi({ description: 'A stable identifier of the kind of problem; its last segment is the slug clients switch on', example: 'https://cafe.example/problems/validation' }),
    title: z.string().openapi({ description: 'The status text', example: 'Bad Request' }),
    status: z.number().int().min(400).max(599),
    detail: z.string().openapi({ description: 'What went wrong with this request, for people', example: 'Invalid body: items.0.quantity' }),
    instance: z.string().openapi({ description: 'The request path', example: '/api/orders' }),
    requestId: z.string().optional().openapi({ description: 'Also in the X-Request-Id header; quote it when reporting a problem' }),
    errors: z.array(FieldError).optional().openapi({ description: 'Validation problems only: one entry per bad field' }),
  })
  .openapi('Problem', { description: 'An RFC 9457 problem document; extension members may follow' });

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503;

/** Response headers, registered once under components.headers; `required` holds wherever one is named. */
export const HEADERS: Record<HeaderName, { description: string; required: boolean; schema: Record<string, unknown> }> = {
  'X-Request-Id': { description: 'The request id: the incoming X-Request-Id when acceptable, otherwise a fresh UUIDv7', required: true, schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'The bearer challenge (RFC 6750) when a token was sent and refused', required: false, schema: { type: 'string' } },
  ETag: { description: 'A strong entity tag of the answer (an item\'s version, for If-Match)', required: true, schema: { type: 'string', pattern: '^"[^"]+"$' } },
  'Idempotent-Replayed': { description: 'Present on a replay of an earlier request with the same Idempotency-Key', required: false, schema: { type: 'string', enum: ['true'] } },
  'Cache-Control': { description: 'How long the answer may be cached', required: true, schema: { type: 'string' } },
  'X-Unreachable-Modules': {
    description: 'Modules hosted in other processes that could not be asked, comma-separated: the answer lacks their part',
    required: false,
    schema: { type: 'string' },
  },
};
export type HeaderName = 'X-Request-Id' | 'Retry-After' | 'WWW-Authenticate' | 'ETag' | 'Idempotent-Replayed' | 'Cache-Control' | 'X-Unreachable-Modules';

/** Every response carries X-Request-Id; the others as named. */
const headers = (names: readonly HeaderName[]) =>
  Object.fromEntries(['X-Request-Id', ...names].map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const PROBLEM_DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'Malformed or invalid input; `errors` names each bad field',
  401: 'Missing, malformed, invalid or expired bearer token',
  403: 'The caller lacks the role, or is not the owner',
  404: 'Unknown resource',
  409: 'State conflict or duplicate',
  413: 'The request body is larger than the server accepts',
  415: 'The request body is not `application/json`',
  422: 'A business rule refused the request',
  429: 'Too many requests; wait as Retry-After says',
  500: 'Unexpected error; quote the request id when reporting it',
  502: 'A module this operation needs answered outside its contract (only where modules run as separate services); the detail names the method and field',
  503: 'A module this operation needs is unavailable or busy; try again after Retry-After',
};

const PROBLEM_HEADERS: Partial<Record<ProblemStatus, readonly HeaderName[]>> = {
  401: ['WWW-Authenticate'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

/** An error response: the Problem schema, the request id and the status's own headers. */
export function problem(status: ProblemStatus, description = PROBLEM_DESCRIPTIONS[status]) {
  return { description, headers: headers(PROBLEM_HEADERS[status] ?? []), content: { 'application/problem+json': { schema: ProblemDocument } } };
}

/** A JSON success response, with the request id header every response carries. */
export function json<T extends z.ZodType>(schema: T, description: string, extra: readonly HeaderName[] = []) {
  return { description, headers: headers(extra), content: { 'application/json': { schema } } };
}

/** A success response without a body (204). */
export function noContent(description: string) {
  return { description, headers: headers([]) };
}

/** A success response of another media type (Prometheus text, the reference page). */
export function content(mediaType: string, schema: z.ZodType, description: string, extra: readonly HeaderName[] = []) {
  return { description, headers: headers(extra), content: { [mediaType]: { schema } } };
}

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } }) as const;

/** The uuid check the server applies (`z.uuid()`: RFC 9562 version and variant), stated as a pattern too. */
export const uuid = () => z.uuid().openapi({ pattern: z.regexes.uuid().source });

/** zod's email check is stricter than `format: email`; the pattern tells clients which addresses pass. */
export const email = () => z.email().openapi({ pattern: z.regexes.email.source });

/** Who may call an operation: anyone, any signed-in user, or users with one of the roles. */
export type Access = 'public' | 'user' | { roles: readonly [string, ...string[]] };

export interface OperationOptions {
  access: Access;
  /** The statuses this operation answers beyond those its shape implies, optionally with a sharper description. */
  errors?: readonly ProblemStatus[] | Partial<Record<ProblemStatus, string>>;
  /** Routes behind the gateway's /api/* token check answer 401 to a bad token even when public. */
  bearerChecked?: boolean;
  /** The router already guards every route with the access's roles: declare it, add no guard. */
  guarded?: boolean;
}

type Operation = RouteConfig & { operationId: string; summary: string; tags: [string] };

/**
 * A route of the document with everything its shape implies: 400 when it takes input, 413 and
 * 415 with a body, 401 and 403 by its access, 500 and 502 always, plus the statuses it names; its
 * security requirement, and the role guard that enforces it.
 */
export function operation<R extends Operation>(route: R, options: OperationOptions): R {
  const { access, bearerChecked = true } = options;
  const named: Partial<Record<ProblemStatus, string | undefined>> = Array.isArray(options.errors)
    ? Object.fromEntries((options.errors as ProblemStatus[]).map((s) => [s, undefined]))
    : { ...(options.errors as Partial<Record<ProblemStatus, string>> | undefined) };
  const request = route.request ?? {};
  const implied: ProblemStatus[] = [];
  if (request.params || request.query || request.headers || request.cookies || request.body) implied.push(400);
  if (access !== 'public' || bearerChecked) implied.push(401);
  if (typeof access === 'object') implied.push(403);
  if (request.body) implied.push(413, 415);
  // Any operation may need a module hosted in another process, whose answer may break its contract.
  implied.push(500, 502);
  const statuses = [...new Set([...implied, ...(Object.keys(named).map(Number) as ProblemStatus[])])].sort((a, b) => a - b);
  const errors = Object.fromEntries(
    statuses.map((s) => [s, problem(s, named[s] ?? (s === 401 && access === 'public' ? 'A bearer token was sent and refused (this operation needs none)' : undefined))]),
  );
  const guard: MiddlewareHandler<AppEnv>[] = access === 'public' || options.guarded ? [] : [access === 'user' ? requireUser() : requireRole(...access.roles)];
  return createRoute({
    ...route,
    security: access === 'public' ? [] : [{ bearer: [] }],
    middleware: [...guard, ...toArray(route.middleware)],
    responses: { ...errors, ...route.responses },
  }) as R;
}

function toArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as T[])] : [value as T];
}
