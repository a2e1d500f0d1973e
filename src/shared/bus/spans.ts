import {
  ATTR_DB_SYSTEM_NAME,
  ATTR_DELIVERY_ATTEMPT,
  ATTR_DELIVERY_FINAL,
  ATTR_DELIVERY_OUTCOME,
  ATTR_EVENT_TYPE,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_MODULE,
} from '../telemetry/attributes.ts';
import { inSpan, linksTo, SpanKind, type Context, type Span } from '../telemetry/tracer.ts';
import type { Envelope } from './contract.ts';

/**
 * The bus's spans, named as ADR 14 lists them. Handler attempts are children of the span their
 * event was published under (the envelope's traceparent), as the messaging conventions have it;
 * the relay's dispatch is a sibling of them, not their parent, because a queue hands an event
 * to handlers long after the dispatch ended.
 */

export type DeliveryOutcome = 'handled' | 'duplicate' | 'failed' | 'dead-lettered' | 'aborted';

/**
 * One unit of work's database transaction. A batch transaction shared by handlers of several
 * events is the child of its one handler, or, serving several, a trace of its own linked to each.
 */
export function transactionSpan<T>(module: string, work: () => Promise<T>, batch?: readonly (Context | undefined)[]): Promise<T> {
  const members = (batch ?? []).filter((c): c is Context => c !== undefined);
  const placement = batch === undefined ? {} : members.length === 1 ? { within: members[0] } : { parent: null, links: linksTo(members) };
  return inSpan(`${module} transaction`, { attributes: { [ATTR_DB_SYSTEM_NAME]: 'postgresql', [ATTR_MODULE]: module }, ...placement }, () => work());
}

/** The insert that puts a unit of work's events into its module's outbox. */
export function outboxWriteSpan<T>(module: string, types: readonly string[], work: () => Promise<T>): Promise<T> {
  return inSpan(
    `${module} outbox write`,
    { kind: SpanKind.PRODUCER, attributes: { [ATTR_MODULE]: module, [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: types.length, [ATTR_EVENT_TYPE]: [...new Set(types)] } },
    () => work(),
  );
}

/** The relay handing one event to the transport. */
export function dispatchSpan<T>(transport: string, envelope: Envelope, work: () => Promise<T>): Promise<T> {
  return inSpan(
    `dispatch ${envelope.type}`,
    {
      kind: SpanKind.PRODUCER,
      parent: envelope.traceparent,
      attributes: {
        [ATTR_MESSAGING_SYSTEM]: transport,
        [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
        [ATTR_MESSAGING_MESSAGE_ID]: envelope.id,
        [ATTR_EVENT_TYPE]: envelope.type,
        [ATTR_MODULE]: envelope.source,
      },
    },
    () => work(),
  );
}

/**
 * One attempt of one subscription's handler; the work sets the outcome with `outcome`. Errors
 * `expected` says are not failures (a batch member rolled back for another's sake) leave no error.
 */
export function handlerSpan<T>(
  subscription: string,
  envelope: Envelope,
  attempt: number,
  final: boolean,
  work: (span: Span) => Promise<T>,
  expected?: (err: unknown) => boolean,
): Promise<T> {
  return inSpan(
    `handle ${subscription}`,
    {
      kind: SpanKind.CONSUMER,
      parent: envelope.traceparent,
      attributes: {
        [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
        [ATTR_MESSAGING_DESTINATION_NAME]: subscription,
        [ATTR_MESSAGING_MESSAGE_ID]: envelope.id,
        [ATTR_EVENT_TYPE]: envelope.type,
        [ATTR_DELIVERY_ATTEMPT]: attempt,
        [ATTR_DELIVERY_FINAL]: final,
      },
      expected,
    },
    work,
  );
}

export function outcome(span: Span, value: DeliveryOutcome): void {
  span.setAttribute(ATTR_DELIVERY_OUTCOME, value);
}
