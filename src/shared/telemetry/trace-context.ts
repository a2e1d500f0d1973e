import { uuidv7 } from 'uuidv7';
import { currentContext, runInContext } from '../context.ts';
import { activeSpanIds, activeSpanTraceparent, contextOf, inSpan, linksTo, linkToActive, SpanKind } from './tracer.ts';

/**
 * The traceparent to hand on (into an envelope, a remote call): the active span's when tracing
 * is on, else the one the current request or event arrived with, passed through unchanged so a
 * tracing caller's trace still continues past this process.
 */
export function currentTraceparent(): string | undefined {
  return activeSpanTraceparent() ?? currentContext()?.traceparent;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/;

/** Trace and span id for a log line: the active span's, or the incoming traceparent's. */
export function traceIdsForLogs(): { traceId: string; spanId: string } | undefined {
  const active = activeSpanIds();
  if (active) return active;
  const incoming = currentContext()?.traceparent;
  const m = incoming ? TRACEPARENT.exec(incoming) : null;
  return m ? { traceId: m[1]!, spanId: m[2]! } : undefined;
}

/** What deferred work needs to continue the trace and correlation of the work that asked for it. */
export interface TraceCarrier {
  traceparent: string | null;
  correlationId: string | null;
}

/** The current work's trace and correlation, to be stored beside a job that runs later. */
export function carryTrace(): TraceCarrier {
  return { traceparent: currentTraceparent() ?? null, correlationId: currentContext()?.correlationId ?? null };
}

/**
 * Runs deferred work (a saga step, a scheduled job) as a continuation of the work that asked for
 * it: under its correlation id and in a span that is a child of its trace, linked to whatever
 * is active now. Without a carried trace (a row written before traces were kept) the span is a
 * child of whatever is active, as any other.
 */
export function continueTrace<T>(carried: TraceCarrier, name: string, work: () => Promise<T>): Promise<T> {
  const ambient = currentContext();
  const context = {
    ...ambient,
    correlationId: carried.correlationId ?? ambient?.correlationId ?? uuidv7(),
    traceparent: carried.traceparent ?? ambient?.traceparent,
  };
  const placement = carried.traceparent ? { parent: carried.traceparent, links: linkToActive() } : {};
  return runInContext(context, () => inSpan(name, { kind: SpanKind.INTERNAL, ...placement }, () => work()));
}

/**
 * Runs work done for several deferred jobs at once (a group of saga charges settled in one
 * transaction). For one job it is `continueTrace`. For several, the shared work starts its own
 * trace linked to each job's, so no job's trace holds work that was mostly another's; each job's
 * own effects inside continue its trace with `continueTrace`.
 */
export function continueTraces<T>(carried: readonly TraceCarrier[], name: string, work: () => Promise<T>): Promise<T> {
  if (carried.length === 1) return continueTrace(carried[0]!, name, work);
  const links = linksTo(carried.flatMap((c) => (c.traceparent ? [contextOf(c.traceparent)] : [])));
  // Nobody's request: the group carries no request id or user of whichever order came first.
  const context = { correlationId: uuidv7() };
  return runInContext(context, () => inSpan(name, { kind: SpanKind.INTERNAL, parent: null, links }, () => work()));
}
