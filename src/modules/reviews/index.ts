/** reviews' public entry. */
import { z } from 'zod';
import { defineEvent } from '../../shared/index.ts';

export const ReviewPosted = defineEvent(
  'reviews.review-posted',
  z.object({ reviewId: z.uuid(), itemId: z.uuid(), orderId: z.uuid(), customerId: z.uuid(), rating: z.number().int().min(1).max(5) }),
  // What subscribers keep per review is the item's rating, so the item is the key.
  { key: (p) => p.itemId },
);

/** A review as the HTTP API shows it. */
export const ReviewDto = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  itemId: z.uuid(),
  customerId: z.uuid(),
  rating: z.number().int().min(1).max(5),
  text: z.string(),
  createdAt: z.iso.datetime(),
});
export type ReviewDto = z.infer<typeof ReviewDto>;
