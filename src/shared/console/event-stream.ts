import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { BusObservation } from '../bus/observations.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { SpanStore } from './span-store.ts';

/** One bus observation as the console's stream sends it: an event's arrival or one subscription's outcome. */
export interface StreamedObservation {
  kind: BusObservation['kind'];
  eventId: string;
  type: string;
  source: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  at: string;
  subscription?: string;
  outcome?: string;
  attempt?: number;
  error?: string;
}

function toStreamed(o: BusObservation): StreamedObservation {
  const e = o.envelope;
  const base = { kind: o.kind, eventId: e.id, type: e.type, source: e.source, correlationId: e.correlationId, causationId: e.causationId, occurredAt: e.occurredAt, at: new Date().toISOString() };
  switch (o.kind) {
    case 'published':
      return base;
    case 'handled':
      return { ...base, subscription: o.subscription, outcome: o.outcome };
    case 'failed':
      return { ...base, subscription: o.subscription, attempt: o.attempt, error: (o.error instanceof Error ? o.error.message : String(o.error)).slice(0, 500) };
    case 'dead-lettered':
      return { ...base, subscription: o.subscription };
  }
}

/** Keeps idle proxies from closing the stream, and finds out soon when the console went away. */
const HEARTBEAT_MS = 15_000;

/**
 * Server-sent events of the bus as they happen. The stream is the console being open: only while
 * one is connected does the bus tell anyone of its deliveries and are spans collected, so an
 * unwatched process pays nothing for it. Observations wait in a queue while one is being written,
 * so a burst is sent in order and the bus never waits for a slow console.
 */
export function eventStream(c: Context, bus: EventBus, spans: SpanStore, keptMinutes: number, correlationId: string | undefined): Response {
  c.header('Cache-Control', 'no-store');
  c.header('X-Accel-Buffering', 'no');
  return streamSSE(c, async (stream) => {
    const queue: StreamedObservation[] = [];
    let writing = false;
    let wake: (() => void) | undefined;
    const flush = async (s: SSEStreamingApi) => {
      if (writing) return;
      writing = true;
      try {
        while (queue.length > 0 && !s.aborted) {
          const next = queue.shift()!;
          await s.writeSSE({ event: 'observation', id: `${next.eventId}:${next.kind}:${next.subscription ?? ''}`, data: JSON.stringify(next) });
        }
      } finally {
        writing = false;
      }
    };
    const release = await spans.watch();
    const stopObserving = bus.observe((o) => {
      if (correlationId && o.envelope.correlationId !== correlationId) return;
      // A console that stops reading must not grow this process's memory without bound.
      if (queue.length < 10_000) queue.push(toStreamed(o));
      void flush(stream);
    });
    const heartbeat = setInterval(() => void stream.writeSSE({ event: 'heartbeat', data: '{}' }).catch(() => {}), HEARTBEAT_MS);
    const closed = new Promise<void>((resolve) => (wake = resolve));
    stream.onAbort(() => wake?.());
    if (stream.aborted) wake?.();
    try {
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ collectingSpans: spans.collecting, keptMinutes }) });
      await closed;
    } finally {
      clearInterval(heartbeat);
      stopObserving();
      release();
    }
  });
}
