import { uuidv7 } from 'uuidv7';
import type { Tx, Publish } from '../../../shared/index.ts';
import type { ReviewStore, StoredReview } from '../db/review-store.ts';
import { eligibility, type CompletedOrder, type Eligibility } from '../domain/review.ts';
import { ReviewPosted } from '../index.ts';

type UnitOfWork = <T>(work: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;

/** Why a review was not taken: data for the caller to map. */
export type ReviewRefusal = Exclude<Eligibility, 'eligible'> | 'already-reviewed';
export type PostOutcome = { ok: true; review: StoredReview } | { ok: false; refusal: ReviewRefusal };

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

  postReview(customerId: string, input: NewReview): Promise<PostOutcome> {
    return this.unitOfWork(async (tx, publish): Promise<PostOutcome> => {
      const store = this.store.with(tx);
      const order = await store.completedOrder(input.orderId);
      const eligible = eligibility(order, customerId, input.itemId);
      if (eligible !== 'eligible') return { ok: false, refusal: eligible };
      const review = await store.insert({ id: uuidv7(), customerId, ...input });
      if (!review) return { ok: false, refusal: 'already-reviewed' };
      await publish(ReviewPosted, { reviewId: review.id, itemId: review.itemId, orderId: review.orderId, customerId, rating: review.rating });
      return { ok: true, review };
    });
  }

  reviewsOf(itemId: string | undefined, limit = 100): Promise<StoredReview[]> {
    return this.store.byItem(itemId, limit);
  }
}
