import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { conflict, forbidden, unprocessable, type Problem, type AppEnv, principalOf, json, jsonBody, operation, uuid, safeText } from '../../../shared/http/index.ts';
import type { ReviewRefusal, Reviews } from '../application/reviews.ts';
import { MAX_REVIEW_TEXT } from '../domain/review.ts';
import { ReviewDto } from '../index.ts';

// A copy built with the OpenAPI-aware z, whatever order the contracts were loaded in.
const Review = z.object(ReviewDto.shape).openapi('Review');
const NewReview = z
  .strictObject({
    orderId: uuid(),
    itemId: uuid(),
    rating: z.number().int().min(1).max(5),
    text: safeText(z.string().trim().max(MAX_REVIEW_TEXT), { multiline: true }),
  })
  .openapi('NewReview');

export function reviewRoutes(router: OpenAPIHono<AppEnv>, reviews: Reviews): OpenAPIHono<AppEnv> {
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/',
        operationId: 'postReview',
        tags: ['reviews'],
        summary: 'Review an item of one of your completed orders',
        request: { body: jsonBody(NewReview) },
        responses: { 201: json(Review, 'Posted') },
      },
      {
        access: { roles: ['customer'] },
        errors: {
          403: 'Not a customer, or the order is another customer\'s (`forbidden`)',
          409: 'That order item was already reviewed (`already-reviewed`)',
          422: 'The order is not completed yet as far as reviews has heard (`order-not-completed`), or the item is not in it (`item-not-in-order`)',
        },
      },
    ),
    async (c) => {
      const posted = await reviews.postReview(principalOf(c).id, c.req.valid('json'));
      if (!posted.ok) throw refusalProblem(posted.refusal);
      return c.json(posted.review, 201);
    },
  );
  router.openapi(
    operation(
      {
        method: 'get',
        path: '/',
        operationId: 'listReviews',
        tags: ['reviews'],
        summary: 'Reviews of an item, newest first (the latest 100 of all items without itemId)',
        request: { query: z.object({ itemId: uuid().optional() }) },
        responses: { 200: json(z.array(Review), 'Reviews') },
      },
      { access: 'public' },
    ),
    async (c) => c.json(await reviews.reviewsOf(c.req.valid('query').itemId), 200),
  );
  return router;
}

function refusalProblem(refusal: ReviewRefusal): Problem {
  switch (refusal) {
    case 'order-not-completed':
      return unprocessable('That order is not completed (yet); only items of completed orders can be reviewed', 'order-not-completed');
    case 'not-the-customer':
      return forbidden('That order belongs to another customer');
    case 'item-not-in-order':
      return unprocessable('That item is not part of the order', 'item-not-in-order');
    case 'already-reviewed':
      return conflict('This item of that order has already been reviewed', 'already-reviewed');
  }
}
