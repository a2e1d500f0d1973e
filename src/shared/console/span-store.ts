import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { ATTR_CORRELATION_ID, ATTR_MESSAGING_DESTINATION_NAME, ATTR_MODULE, ATTR_RPC_SERVICE, ATTR_SERVICE_NAME } from '../telemetry/attributes.ts';
import { tapSpans, type ReadableSpan } from '../telemetry/span-tap.ts';
import { installTracer, tracingOn } from '../telemetry/tracer.ts';
import type { Tracer } from '@opentelemetry/api';

/** One span as the trace view draws it: times in milliseconds since the epoch. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  service: string;
  module: string | null;
  startMs: number;
  durationMs: number;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
}

/** Enough for the orders of a few busy minutes; beyond it the oldest spans go first. */
const MAX_SPANS = 20_000;

/**
 * The spans of the last N minutes, collected only while a console is open (ADR 20). The first
 * console to connect taps the process's spans; when tracing is off, it also turns on a tracer
 * whose only processor is the tap, and turns it off again when the last console leaves, so an
 * unwatched process creates no span objects. What was collected is forgotten N minutes later.
 */
export class SpanStore {
  private spans: SpanRecord[] = [];
  private watchers = 0;
  private untap: (() => void) | undefined;
  /** The tracer this store turned on because nothing else had; kept for the next console. */
  private ownTracer: Tracer | undefined;
  private ownsTracing = false;
  private forget: NodeJS.Timeout | undefined;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    private readonly keepMs: number,
    private readonly serviceName: string,
  ) {}

  /** A console opened; the returned function says it closed. */
  async watch(): Promise<() => void> {
    this.watchers++;
    if (this.watchers === 1) this.starting = this.start();
    await this.starting;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.watchers--;
      // A console that leaves while the first one's start is still loading the SDK stops it once loaded.
      if (this.watchers === 0) void this.starting.then(() => this.watchers === 0 && this.stop());
    };
  }

  get collecting(): boolean {
    return this.untap !== undefined;
  }

  /** Every span of the traces in which some span carries this correlation id, oldest first. */
  trace(correlationId: string): SpanRecord[] {
    this.prune();
    const traces = new Set(this.spans.filter((s) => s.attributes[ATTR_CORRELATION_ID] === correlationId).map((s) => s.traceId));
    return this.spans.filter((s) => traces.has(s.traceId)).sort((a, b) => a.startMs - b.startMs);
  }

  private async start(): Promise<void> {
    clearTimeout(this.forget);
    if (!tracingOn()) {
      if (!this.ownTracer) {
        // The SDK is loaded the first time a console opens on an untraced process, never before.
        const { registerProvider, TRACER_NAME } = await import('../telemetry/sdk.ts');
        this.ownTracer = registerProvider(this.serviceName).getTracer(TRACER_NAME);
      }
      installTracer(this.ownTracer);
      this.ownsTracing = true;
    }
    this.untap = tapSpans((span) => this.add(span));
  }

  private stop(): void {
    if (!this.untap) return;
    this.untap();
    this.untap = undefined;
    if (this.ownsTracing) installTracer(undefined);
    this.ownsTracing = false;
    this.forget = setTimeout(() => (this.spans = []), this.keepMs);
    this.forget.unref();
  }

  private add(span: ReadableSpan): void {
    this.spans.push(toRecord(span));
    if (this.spans.length > MAX_SPANS) this.spans.splice(0, this.spans.length - MAX_SPANS);
  }

  private prune(): void {
    const cutoff = Date.now() - this.keepMs;
    const first = this.spans.findIndex((s) => s.startMs >= cutoff);
    this.spans = first === -1 ? [] : this.spans.slice(first);
  }
}

function toRecord(span: ReadableSpan): SpanRecord {
  const attributes: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[k] = v;
    else if (Array.isArray(v)) attributes[k] = v.join(', ');
  }
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? null,
    name: span.name,
    kind: span.kind,
    service: String(span.resource.attributes[ATTR_SERVICE_NAME] ?? ''),
    module: moduleOf(attributes),
    startMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    error: span.status.code === 2,
    attributes,
  };
}

/** The module a span worked for: its own attribute, the API it called, or the subscription's owner (`storefront.order-placed`). */
function moduleOf(a: Record<string, string | number | boolean>): string | null {
  const named = a[ATTR_MODULE] ?? a[ATTR_RPC_SERVICE];
  if (typeof named === 'string') return named;
  const subscription = a[ATTR_MESSAGING_DESTINATION_NAME];
  return typeof subscription === 'string' && subscription.includes('.') ? subscription.slice(0, subscription.indexOf('.')) : null;
}
