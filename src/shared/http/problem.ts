import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { ContractViolationError } from '../errors.ts';

export interface FieldError {
  field: string;
  message: string;
  location?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Renders an RFC 9457 problem document. */
export function problemResponse(
  c: Context,
  status: number,
  detail: string,
  options: { type?: string; errors?: FieldError[]; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Response {
  const body = {
    type: `https://cafe.example/problems/${options.type ?? slug(status)}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: c.req.path,
    ...(c.get('requestId') ? { requestId: c.get('requestId') } : {}),
    ...(options.errors ? { errors: options.errors } : {}),
    ...options.extra,
  };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
    ...options.headers,
  });
}

/**
 * A module answered (or was asked) what its contract refuses: the deployment runs versions that no
 * longer agree. That is the gateway's upstream failing, not the client's request nor this code, so
 * 502, naming the method and each field; the members let a calling process rebuild the error.
 */
export function contractViolationProblem(c: Context, err: ContractViolationError): Response {
  return problemResponse(c, 502, err.message, {
    type: 'contract-violation',
    extra: { module: err.module, method: err.method, side: err.side, violations: err.issues.map((i) => ({ field: i.path, message: i.message })) },
  });
}

function slug(status: number): string {
  return (TITLES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '-');
}

/** One entry per bad field, named by its dotted path (`items.0.quantity`). */
export function fieldErrors(error: ZodError, location?: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : (location ?? 'body'),
    message: issue.message,
    ...(location ? { location } : {}),
  }));
}

export function validationProblem(c: Context, error: ZodError, location?: string): Response {
  const errors = fieldErrors(error, location);
  const names = [...new Set(errors.map((e) => e.field))].join(', ');
  return problemResponse(c, 400, `Invalid ${location ?? 'input'}: ${names}`, { type: 'validation', errors });
}
