import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { EventBus } from '../bus/event-bus.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { requireRole } from './auth.ts';
import { createRouter } from './router.ts';

const DeadLetter = z
  .object({
    eventId: z.string(),
    subscription: z.string(),
    module: z.string(),
    type: z.string(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    failedAt: z.string(),
    envelope: z.record(z.string(), z.unknown()),
  })
  .openapi('DeadLetter');

/** The bus's operator routes: list dead letters and replay one. Only the operator role reaches them. */
export function adminRoutes(bus: EventBus, operatorRole: string): OpenAPIHono<AppEnv> {
  const router = createRouter();
  router.use('*', requireRole(operatorRole));
  router.openapi(
    createRoute({
      method: 'get',
      path: '/dead-letters',
      tags: ['operations'],
      summary: 'Events a subscription gave up on after its retries',
      security: [{ bearer: [] }],
      responses: { 200: { description: 'Dead letters', content: { 'application/json': { schema: z.array(DeadLetter) } } } },
    }),
    async (c) => c.json((await bus.deadLetters()) as unknown as z.infer<typeof DeadLetter>[], 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/dead-letters/{eventId}/{subscription}/replay',
      tags: ['operations'],
      summary: 'Deliver a dead letter to its subscription again',
      security: [{ bearer: [] }],
      request: { params: z.object({ eventId: z.uuid(), subscription: z.string().min(1) }) },
      responses: { 202: { description: 'Replay accepted', content: { 'application/json': { schema: z.object({ replayed: z.literal(true) }) } } } },
    }),
    async (c) => {
      const { eventId, subscription } = c.req.valid('param');
      if (!(await bus.replay(eventId, subscription))) throw notFound('Dead letter');
      return c.json({ replayed: true as const }, 202);
    },
  );
  return router;
}
