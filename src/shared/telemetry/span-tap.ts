import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { currentContext } from '../context.ts';
import { ATTR_CORRELATION_ID } from './attributes.ts';

export type { ReadableSpan };

type Sink = (span: ReadableSpan) => void;
let sink: Sink | undefined;

/**
 * A span processor every provider of this process carries beside its exporter's, through which
 * the console reads finished spans while one is open. With nobody tapping it is one variable
 * check per span; the spans go nowhere.
 */
export const spanTap: SpanProcessor = {
  onStart(span: Span, _parent: Context) {
    if (!sink) return;
    // The trace view looks traces up by correlation id, which spans do not otherwise carry.
    const correlationId = currentContext()?.correlationId;
    if (correlationId) span.setAttribute(ATTR_CORRELATION_ID, correlationId);
  },
  onEnd(span: ReadableSpan) {
    sink?.(span);
  },
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** Sends every span that ends from now on to `to`, until the returned function is called. */
export function tapSpans(to: Sink): () => void {
  sink = to;
  return () => {
    if (sink === to) sink = undefined;
  };
}
