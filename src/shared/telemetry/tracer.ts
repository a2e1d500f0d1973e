import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';

export { SpanKind, type Attributes, type Context, type Span };

/**
 * The kernel's one switch for tracing. Until a tracer is installed (`tracing.ts` does so only when
 * the environment asks for an exporter) every span helper below runs its work directly with a
 * shared non-recording span: no span objects, no context switches, no SDK loaded. The OpenTelemetry
 * API alone is imported here, and its no-op implementation is all that runs.
 */
let tracer: Tracer | undefined;

/** A span that records nothing, handed to work when tracing is off. */
const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export function installTracer(t: Tracer | undefined): void {
  tracer = t;
}

export function tracingOn(): boolean {
  return tracer !== undefined;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /**
   * The parent as a W3C traceparent (an envelope's, a stored job's). `null` starts a new trace;
   * absent, the span is a child of whatever span is active.
   */
  parent?: string | null;
  /** The parent as a tracing context captured earlier (`activeContext`); wins over `parent`. */
  within?: Context;
  links?: Link[];
  /** Errors that end the work without it having failed (a duplicate delivery): no error status. */
  expected?: (err: unknown) => boolean;
}

/**
 * Runs `work` inside a new active span that ends when the work settles. A throw marks the span
 * as an error with the exception recorded, then propagates unchanged.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const t = tracer;
  if (!t) return work(NOOP_SPAN);
  const parent = options.within ?? (options.parent === undefined ? context.active() : contextOf(options.parent));
  return t.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, parent, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      if (!options.expected?.(err)) failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed by `err`, for work that reports failure without throwing through the span. */
export function failSpan(span: Span, err: unknown): void {
  if (!span.isRecording()) return;
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.setAttribute('error.type', error.name);
}

/** The active tracing context, to re-enter later (a batch runs parked work under its own handler's span). */
export function activeContext(): Context | undefined {
  return tracer ? context.active() : undefined;
}

export function withContext<T>(ctx: Context | undefined, work: () => T): T {
  return ctx ? context.with(ctx, work) : work();
}

/** A link to the active span, e.g. from work that continues another trace on its behalf. */
export function linkToActive(): Link[] {
  return tracer ? linksTo([context.active()]) : [];
}

/** Links to the spans active in each of these contexts. */
export function linksTo(contexts: readonly Context[]): Link[] {
  return contexts.flatMap((c) => {
    const spanContext = trace.getSpanContext(c);
    return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
  });
}

/** A context whose remote parent is `traceparent`; the root context for none or a malformed one. */
export function contextOf(traceparent: string | null): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** The active span as a W3C traceparent, or undefined when no span is active (or tracing is off). */
export function activeSpanTraceparent(): string | undefined {
  if (!tracer) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}

/** Trace and span id of the active span, for log lines. */
export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  if (!tracer) return undefined;
  const spanContext = trace.getSpanContext(context.active());
  return spanContext && trace.isSpanContextValid(spanContext) ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
}
