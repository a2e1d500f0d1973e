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
}

export type PayloadOf<E extends EventContract> = z.infer<E['payload']>;

export function defineEvent<T extends z.ZodType>(type: `${string}.${string}`, payload: T, version = 1): EventContract<T> {
  return { type, version, payload, source: type.slice(0, type.indexOf('.')) };
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
