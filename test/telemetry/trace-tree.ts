import type { ReadableSpan } from '../../src/shared/telemetry/in-memory.ts';

/** Spans as the tests read them: a span's parent is found by id among the spans collected. */
export interface TraceSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentId?: string;
  kind: number;
  service: string;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

export function fromReadable(span: ReadableSpan): TraceSpan {
  const ctx = span.spanContext();
  return {
    name: span.name,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentId: span.parentSpanContext?.spanId,
    kind: span.kind,
    service: String(span.resource.attributes['service.name']),
    attributes: { ...span.attributes },
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
  };
}

/** One trace's spans, with the checks every test of a trace makes. */
export class Trace {
  readonly byId: Map<string, TraceSpan>;

  constructor(readonly spans: readonly TraceSpan[]) {
    this.byId = new Map(spans.map((s) => [s.spanId, s]));
  }

  static of(all: readonly TraceSpan[], traceId: string): Trace {
    return new Trace(all.filter((s) => s.traceId === traceId));
  }

  /** Spans whose parent is not in the trace (the root has none at all). */
  orphans(): TraceSpan[] {
    return this.spans.filter((s) => s.parentId !== undefined && !this.byId.has(s.parentId));
  }

  roots(): TraceSpan[] {
    return this.spans.filter((s) => s.parentId === undefined);
  }

  named(name: string, where: (s: TraceSpan) => boolean = () => true): TraceSpan[] {
    return this.spans.filter((s) => s.name === name && where(s));
  }

  /** The chain of span names from the root down to `span`. */
  path(span: TraceSpan): string[] {
    const names: string[] = [];
    for (let s: TraceSpan | undefined = span; s; s = s.parentId ? this.byId.get(s.parentId) : undefined) names.unshift(s.name);
    return names;
  }

  parentOf(span: TraceSpan): TraceSpan | undefined {
    return span.parentId ? this.byId.get(span.parentId) : undefined;
  }
}
