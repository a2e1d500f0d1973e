import { conflict, forbidden, notFound, unprocessable, type Problem } from '../../../shared/http/index.ts';
import type { OrderingRefusal, Outcome } from '../domain/refusals.ts';

const PREPARATION_STARTED = 'Preparation has started; the order can no longer be cancelled';

/** What each of ordering's refusals looks like over HTTP: the status and the `type` slug clients switch on. */
export function problemFor(refusal: OrderingRefusal): Problem {
  switch (refusal.code) {
    case 'order-not-found':
      return notFound('Order');
    case 'item-not-found':
      return notFound(`Item ${refusal.itemId}`);
    case 'item-unavailable':
      return unprocessable(`${refusal.name} is not available right now`, 'item-unavailable');
    case 'idempotency-key-reused':
      return unprocessable('This Idempotency-Key was used with a different request body', 'idempotency-key-reused');
    case 'not-your-order':
      return forbidden('This is not your order');
    case 'not-the-customer':
      return forbidden('Only the customer who placed the order may cancel it');
    case 'not-cancellable':
      return conflict(refusal.reason === 'already-settled' ? `The order is already ${refusal.status}` : PREPARATION_STARTED, 'order-not-cancellable');
    case 'order-busy':
      return conflict('The order keeps changing; try again', 'order-busy');
  }
}

/** The value of an outcome, or its refusal thrown as a problem for the gateway to render. */
export function orRefuse<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw problemFor(outcome.refusal);
  return outcome;
}
