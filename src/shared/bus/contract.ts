import type { z } from 'zod';

/**
 * An event's public contract: its type name, schema version and payload schema. Contracts are
 * exported from the publishing module's public entry; subscribers import them from there.
 */
export interface EventContract<T extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly version: number;
  readonly payload: T;
  /** The module that publishes it: the part of `type` before the first dot. */
  readonly source: string;
  /**
   * The aggregate an event is about (an order id, an item id). Subscribers' effects lock that
   * aggregate's rows, so a batch of first deliveries applies its effects in key order: two
   * batches committing at once then take their row locks in the same order and one waits for
   * the other, where in event order they could each hold a row the other needs (a deadlock,
   * which Postgres breaks only after `deadlock_timeout`, a second by default).
   */
  readonly key?: (payload: z.infer<T>) => string;
}

export type PayloadOf<E extends EventContract> = z.infer<E['payload']>;

export interface EventOptions<T extends z.ZodType> {
  version?: number;
  key?: (payload: z.infer<T>) => string;
}

/** `options` is the schema version (1 by default), or the version and the event's key. */
export function defineEvent<T extends z.ZodType>(type: `${string}.${string}`, payload: T, options: number | EventOptions<T> = {}): EventContract<T> {
  const { version = 1, key } = typeof options === 'number' ? { version: options } : options;
  return { type, version, payload, source: type.slice(0, type.indexOf('.')), ...(key ? { key } : {}) };
}

/** The envelope every event travels in, whatever the transport. */
export interface Envelope<P = unknown> {
  id: string;
  type: string;
  version: number;
  occurredAt: string;
  source: string;
  correlationId: string;
  causationId: string | null;
  traceparent: string | null;
  payload: P;
}
