import type { NotCancellable } from './order.ts';

/**
 * Why ordering said no. Use cases answer with these as data; only the HTTP layer decides what
 * a refusal looks like on the wire, so the rules never depend on a transport.
 */
export type OrderingRefusal =
  | { code: 'order-not-found' }
  | { code: 'item-not-found'; itemId: string }
  | { code: 'item-unavailable'; name: string }
  | { code: 'idempotency-key-reused' }
  /** Someone other than the owner (or staff) asked to see the order. */
  | { code: 'not-your-order' }
  /** Only the customer who placed an order may cancel it, staff included. */
  | { code: 'not-the-customer' }
  | ({ code: 'not-cancellable' } & NotCancellable)
  /** The order kept moving under a cancellation; asking again will see where it settled. */
  | { code: 'order-busy' };

export type Refused = { ok: false; refusal: OrderingRefusal };
export type Outcome<T> = ({ ok: true } & T) | Refused;

export const refused = (refusal: OrderingRefusal): Refused => ({ ok: false, refusal });
