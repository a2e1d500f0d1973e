import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { currentContext } from './context.ts';
import { traceIdsForLogs } from './telemetry/trace-context.ts';
import { tracingOn } from './telemetry/tracer.ts';

export type { Logger };

/**
 * Fields that must never reach a log line, at the top level or one object down. Credentials
 * and tokens are secrets; a log is read by more people, kept longer and copied further than
 * the database.
 */
const SECRET_FIELDS = [
  'password',
  'passwordHash',
  'password_hash',
  'secret',
  'secretHash',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'params',
];
const REDACT_PATHS = [...SECRET_FIELDS, ...SECRET_FIELDS.map((f) => `*.${f}`), 'headers.authorization', 'req.headers.authorization', 'req.headers.cookie'];

/** What a driver error may carry that holds data rather than a description of the failure. */
const DATA_FIELDS = new Set(['params', 'parameters', 'query', 'values', 'input', 'body', 'detail', 'where', 'internalQuery']);

/**
 * drizzle's "Failed query: <sql>\nparams: <values>" message carries the statement's
 * parameters: a password hash, an email, whatever was being written. Everything from
 * "params:" on goes.
 */
function scrub(text: string): string {
  return text.replace(/\n?params:[\s\S]*?(?=\n\s+at |$)/g, '\nparams: [redacted]');
}

/**
 * Errors as pino would log them, minus parameters and values: the message and stack are
 * scrubbed of drizzle's parameter list, data-carrying fields are dropped, and causes are
 * serialized the same way, so a Postgres error under a query error leaks nothing either.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 4) return err instanceof Error || typeof err !== 'object' ? err : '[object]';
  const base = stdSerializers.err(err) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    if (DATA_FIELDS.has(key) || SECRET_FIELDS.includes(key)) continue;
    if (key === 'cause') continue;
    out[key] = typeof value === 'string' ? scrub(value) : value;
  }
  if (err.cause !== undefined) out['cause'] = serializeError(err.cause, depth + 1);
  return out;
}

/**
 * The ids a line carries. Runs for every line, so it reads the context once and builds one object
 * of one shape: the telemetry ids are looked up only when tracing is on or the work arrived with
 * a traceparent.
 */
function logIds(): object {
  const ctx = currentContext();
  if (!ctx) return traceIdsForLogs() ?? {};
  const ids = tracingOn() || ctx.traceparent ? traceIdsForLogs() : undefined;
  return { requestId: ctx.requestId, correlationId: ctx.correlationId, traceId: ids?.traceId, spanId: ids?.spanId };
}

/**
 * The access log: one line per request, of fields the gateway chooses (method, path without its
 * query, status, duration) that can hold no secret. It skips the redaction every other line gets,
 * whose wildcard paths cost more than the rest of writing the line.
 */
export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}

export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'cafe', ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    // Lines written while serving a request or handling an event carry its ids, from any logger,
    // without a child logger per request.
    mixin: logIds,
  };
  return destination ? pino(options, destination) : pino(options);
}
