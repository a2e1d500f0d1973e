import type { Tx } from '../db/database.ts';
import type { Envelope, EventContract, PayloadOf } from './contract.ts';

/** Publishes an event into the current transaction's outbox. */
export type Publish = <E extends EventContract>(event: E, payload: PayloadOf<E>) => Promise<Envelope<PayloadOf<E>>>;

/**
 * Commits a handler's effects together with its inbox record, so a redelivered event is a no-op.
 * Everything before `commit` (such as calls to other modules' APIs) runs outside any transaction.
 */
export type Commit = <T>(effects: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;

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
