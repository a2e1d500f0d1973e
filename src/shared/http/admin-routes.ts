import { z, type OpenAPIHono } from '@hono/zod-openapi';
import type { DeadLetter as Letter } from '../bus/dead-letters.ts';
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

/** Where the operator routes find dead letters: this process's bus, and the processes hosting the other modules. */
export interface DeadLetterDesk {
  /** Every dead letter that could be gathered, and the modules that could not be asked. */
  list(): Promise<{ letters: Letter[]; unreachable: string[] }>;
  /** False when there is no such dead letter. */
  replay(eventId: string, subscription: string): Promise<boolean>;
}

/** The bus's operator routes: list dead letters and replay one. Only the operator role reaches them. */
export function adminRoutes(desk: DeadLetterDesk, operatorRole: string): OpenAPIHono<AppEnv> {
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
        description: 'Gathered from every process of the deployment; a module that could not be asked is named in X-Unreachable-Modules.',
        responses: { 200: json(z.array(DeadLetter), 'Dead letters', ['X-Unreachable-Modules']) },
      },
      // The role guard is the router's own (below), for every operator route alike.
      { access: { roles: [operatorRole] }, guarded: true },
    ),
    async (c) => {
      const { letters, unreachable } = await desk.list();
      if (unreachable.length > 0) c.header('X-Unreachable-Modules', unreachable.join(', '));
      return c.json(letters as unknown as z.infer<typeof DeadLetter>[], 200);
    },
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
      {
        access: { roles: [operatorRole] },
        guarded: true,
        errors: { 404: 'No dead letter for that event and subscription', 503: 'The subscription belongs to a module in another process, which is unavailable' },
      },
    ),
    async (c) => {
      const { eventId, subscription } = c.req.valid('param');
      if (!(await desk.replay(eventId, subscription))) throw notFound('Dead letter');
      return c.json({ replayed: true as const }, 202);
    },
  );
  return router;
}
