import type { Observation } from './types.ts';

/** One event as the stream view shows it: where it came from and what became of it at each subscription. */
export interface StreamedEvent {
  eventId: string;
  type: string;
  source: string;
  correlationId: string;
  occurredAt: string;
  published: boolean;
  handlers: Map<string, { outcome: 'handled' | 'duplicate' | 'failing' | 'dead-lettered'; attempts: number; error?: string }>;
}

/** The console keeps this many events; older ones drop off the list. */
const KEEP = 2000;

/** Folds one observation into the list of events, keyed by event id, oldest first. */
export function fold(events: Map<string, StreamedEvent>, o: Observation): Map<string, StreamedEvent> {
  const next = new Map(events);
  const known = next.get(o.eventId);
  const event: StreamedEvent = known
    ? { ...known, handlers: new Map(known.handlers) }
    : { eventId: o.eventId, type: o.type, source: o.source, correlationId: o.correlationId, occurredAt: o.occurredAt, published: false, handlers: new Map() };
  if (o.kind === 'published') event.published = true;
  else if (o.subscription) {
    const before = event.handlers.get(o.subscription);
    const attempts = Math.max(before?.attempts ?? 0, o.attempt ?? 0);
    if (o.kind === 'handled') event.handlers.set(o.subscription, { outcome: o.outcome === 'duplicate' ? 'duplicate' : 'handled', attempts: attempts + 1 });
    else if (o.kind === 'failed') event.handlers.set(o.subscription, { outcome: 'failing', attempts, error: o.error });
    else event.handlers.set(o.subscription, { outcome: 'dead-lettered', attempts, error: before?.error });
  }
  next.set(o.eventId, event);
  if (next.size > KEEP) next.delete(next.keys().next().value!);
  return next;
}

/** Events in the order they occurred; ids are UUIDv7, so they break ties in publishing order. */
export function inOrder(events: Iterable<StreamedEvent>): StreamedEvent[] {
  return [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.eventId.localeCompare(b.eventId));
}
