import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { EventBus } from '../bus/event-bus.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { requireRole } from './auth.ts';
import { json, operation, uuid } from './openapi.ts';
import { createRouter } from './router.ts';

const DeadLetter = z
  .object({
    eventId: z.string(),
    subscription: z.string(),
    module: z.string(),
    type: z.string(),
    attempts: z.number().int().nonnegative(),
    lastError: z.string().nullable(),
    failedAt: z.iso.datetime(),
    envelope: z.record(z.string(), z.unknown()),
  })
  .openapi('DeadLetter');

/** The bus's operator routes: list dead letters and replay one. Only the operator role reaches them. */
export function adminRoutes(bus: EventBus, operatorRole: string): OpenAPIHono<AppEnv> {
  const router = createRouter();
  router.use('*', requireRole(operatorRole));
  router.openapi(
    operation(
      {
        method: 'get',
        path: '/dead-letters',
        operationId: 'listDeadLetters',
        tags: ['operations'],
        summary: 'Events a subscription gave up on after its retries',
        responses: { 200: json(z.array(DeadLetter), 'Dead letters') },
      },
      // The role guard is the router's own (below), for every operator route alike.
      { access: { roles: [operatorRole] }, guarded: true },
    ),
    async (c) => c.json((await bus.deadLetters()) as unknown as z.infer<typeof DeadLetter>[], 200),
  );
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/dead-letters/{eventId}/{subscription}/replay',
        operationId: 'replayDeadLetter',
        tags: ['operations'],
        summary: 'Deliver a dead letter to its subscription again',
        request: { params: z.object({ eventId: uuid(), subscription: z.string().min(1) }) },
        responses: { 202: json(z.object({ replayed: z.literal(true) }).openapi('ReplayAccepted'), 'Replay accepted') },
      },
      { access: { roles: [operatorRole] }, guarded: true, errors: { 404: 'No dead letter for that event and subscription' } },
    ),
    async (c) => {
      const { eventId, subscription } = c.req.valid('param');
      if (!(await bus.replay(eventId, subscription))) throw notFound('Dead letter');
      return c.json({ replayed: true as const }, 202);
    },
  );
  return router;
}
