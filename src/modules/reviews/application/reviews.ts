import { uuidv7 } from 'uuidv7';
import type { Tx } from '../../../shared/db/database.ts';
import type { Publish } from '../../../shared/bus/subscription.ts';
import { conflict, forbidden, unprocessable } from '../../../shared/errors.ts';
import type { ReviewStore, StoredReview } from '../db/review-store.ts';
import { eligibility, type CompletedOrder } from '../domain/review.ts';
import { ReviewPosted } from '../index.ts';

type UnitOfWork = <T>(work: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;

export interface NewReview {
  orderId: string;
  itemId: string;
  rating: number;
  text: string;
}

/** reviews' use cases: remember completed orders, accept reviews for their items. */
export class Reviews {
  constructor(
    private readonly store: ReviewStore,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** Called from the order-completed handler inside its inbox transaction. */
  rememberCompleted(tx: Tx, order: CompletedOrder & { completedAt: string }): Promise<void> {
    return this.store.with(tx).rememberCompleted(order);
  }

  postReview(customerId: string, input: NewReview): Promise<StoredReview> {
    return this.unitOfWork(async (tx, publish) => {
      const store = this.store.with(tx);
      const order = await store.completedOrder(input.orderId);
      switch (eligibility(order, customerId, input.itemId)) {
        case 'order-not-completed':
          throw unprocessable('That order is not completed (yet); only items of completed orders can be reviewed', 'order-not-completed');
        case 'not-the-customer':
          throw forbidden('That order belongs to another customer');
        case 'item-not-in-order':
          throw unprocessable('That item is not part of the order', 'item-not-in-order');
        case 'eligible':
          break;
      }
      const review = await store.insert({ id: uuidv7(), customerId, ...input });
      if (!review) throw conflict('This item of that order has already been reviewed', 'already-reviewed');
      await publish(ReviewPosted, { reviewId: review.id, itemId: review.itemId, orderId: review.orderId, customerId, rating: review.rating });
      return review;
    });
  }

  reviewsOf(itemId: string | undefined, limit = 100): Promise<StoredReview[]> {
    return this.store.byItem(itemId, limit);
  }
}
