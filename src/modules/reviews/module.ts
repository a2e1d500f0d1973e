import { defineModule } from '../../shared/index.ts';
import { OrderCompleted } from '../ordering/index.ts';
import { Reviews } from './application/reviews.ts';
import { ReviewStore } from './db/review-store.ts';
import * as schema from './db/schema.ts';
import { reviewRoutes } from './http/routes.ts';
import { ReviewPosted } from './index.ts';

/**
 * reviews: ratings and texts of delivered items. Whether an order is completed is decided from
 * its own copy of `ordering.order-completed` events, never by asking ordering.
 */
export const reviewsModule = defineModule({
  name: 'reviews',
  mountPath: '/api/reviews',
  tables: schema,
  requires: [],
  publishes: [ReviewPosted],
  subscribesTo: { 'reviews.remember-completed-order': OrderCompleted },
  setup(ctx) {
    const reviews = new Reviews(new ReviewStore(ctx.db), (work) => ctx.unitOfWork(work));
    return {
      routes: reviewRoutes(ctx.router(), reviews),
      handlers: {
        'reviews.remember-completed-order': async (order, { commit }) => {
          // One row per completed order: other orders' rows may be written beside it.
          await commit(
            (tx) =>
              reviews.rememberCompleted(tx, {
                orderId: order.orderId,
                customerId: order.customerId,
                items: order.items.map((i) => ({ itemId: i.itemId, name: i.name })),
                completedAt: order.completedAt,
              }),
            { touches: 'key' },
          );
        },
      },
    };
  },
});
