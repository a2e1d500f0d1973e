import type { Tx } from '../db/database.ts';
import type { Envelope, EventContract, PayloadOf } from './contract.ts';

/** Publishes an event into the current transaction's outbox. */
export type Publish = <E extends EventContract>(event: E, payload: PayloadOf<E>) => Promise<Envelope<PayloadOf<E>>>;

export interface CommitOptions {
  /**
   * `key`: the effects read and write only rows of the event's aggregate (its `key`), so in a
   * batch of first deliveries they may run alongside the effects of events with other keys,
   * their statements pipelined on the shared transaction; events with the same key still apply
   * one after another, in order. `any` (the default) runs every member's effects one after
   * another, because effects that read a row another key also writes (a running total, say)
   * would each see the total from before the other's change and one update would be lost.
   * Ignored when the event declares no key.
   */
  touches?: 'key' | 'any';
}

/**
 * Commits a handler's effects together with its inbox record, so a redelivered event is a no-op.
 * Everything before `commit` (such as calls to other modules' APIs) runs outside any transaction.
 */
export type Commit = <T>(effects: (tx: Tx, publish: Publish) => Promise<T>, options?: CommitOptions) => Promise<T>;

export interface DeliveryContext<P> {
  envelope: Envelope<P>;
  attempt: number;
  commit: Commit;
}

export interface Subscription<E extends EventContract = EventContract> {
  /** Unique, stable name: `<module>.<what it does>`; it names the queue and the inbox rows. */
  name: string;
  event: E;
  handle(payload: PayloadOf<E>, delivery: DeliveryContext<PayloadOf<E>>): Promise<void>;
}

export function subscribe<E extends EventContract>(
  name: string,
  event: E,
  handle: Subscription<E>['handle'],
): Subscription<E> {
  return { name, event, handle };
}
