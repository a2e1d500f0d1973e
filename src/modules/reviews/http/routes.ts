import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../shared/http/app-env.ts';
import { principalOf, requireRole } from '../../../shared/http/auth.ts';
import type { Reviews } from '../application/reviews.ts';
import { MAX_REVIEW_TEXT } from '../domain/review.ts';
import { ReviewDto } from '../index.ts';
import { safeText } from '../../../shared/http/text.ts';

// A copy built with the OpenAPI-aware z, whatever order the contracts were loaded in.
const Review = z.object(ReviewDto.shape).openapi('Review');
const NewReview = z.strictObject({
  orderId: z.uuid(),
  itemId: z.uuid(),
  rating: z.number().int().min(1).max(5),
  text: safeText(z.string().trim().max(MAX_REVIEW_TEXT), { multiline: true }),
});
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export function reviewRoutes(router: OpenAPIHono<AppEnv>, reviews: Reviews): OpenAPIHono<AppEnv> {
  router.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['reviews'],
      summary: 'Review an item of one of your completed orders',
      description:
        '422 when the order is not completed yet (as far as reviews has heard) or the item is not in it; 403 when the order is another customer\'s; 409 when that order item was already reviewed.',
      security: [{ bearer: [] }],
      middleware: [requireRole('customer')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: NewReview } } } },
      responses: { 201: json(Review, 'Posted'), 400: problem, 401: problem, 403: problem, 409: problem, 422: problem },
    }),
    async (c) => c.json(await reviews.postReview(principalOf(c).id, c.req.valid('json')), 201),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['reviews'],
      summary: 'Reviews of an item, newest first (the latest 100 of all items without itemId)',
      request: { query: z.object({ itemId: z.uuid().optional() }) },
      responses: { 200: json(z.array(Review), 'Reviews'), 400: problem },
    }),
    async (c) => c.json(await reviews.reviewsOf(c.req.valid('query').itemId), 200),
  );
  return router;
}
