import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../shared/http/app-env.ts';
import { requireRole } from '../../../shared/http/auth.ts';
import type { Tickets } from '../application/tickets.ts';
import { TicketDto, TicketStatus } from '../index.ts';
import { safeText } from '../../../shared/http/text.ts';

// Rebuilt with the OpenAPI-aware z: the contract's schema may have been created before it was loaded.
const Ticket = z.object(TicketDto.shape).openapi('Ticket');
const TicketId = z.object({ id: z.uuid() });
const Rejection = z.strictObject({ reason: safeText(z.string().trim().min(1).max(200)) });

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const STEPS = [
  { path: 'start', action: 'start', summary: 'Start preparing (QUEUED → PREPARING)' },
  { path: 'ready', action: 'ready', summary: 'Mark ready for pick-up (PREPARING → READY)' },
  { path: 'handover', action: 'handover', summary: 'Hand over to the customer (READY → HANDED_OVER)' },
] as const;

export function fulfillmentRoutes(router: OpenAPIHono<AppEnv>, tickets: Tickets): OpenAPIHono<AppEnv> {
  router.openapi(
    createRoute({
      method: 'get',
      path: '/tickets',
      tags: ['fulfillment'],
      summary: "The barista's tickets, oldest first",
      security: [{ bearer: [] }],
      middleware: [requireRole('barista', 'admin')] as const,
      request: { query: z.object({ status: TicketStatus.optional() }) },
      responses: { 200: json(z.array(Ticket), 'Tickets'), 400: problem, 401: problem, 403: problem },
    }),
    async (c) => c.json(await tickets.list(c.req.valid('query').status), 200),
  );
  for (const step of STEPS) {
    router.openapi(
      createRoute({
        method: 'post',
        path: `/tickets/{id}/${step.path}`,
        tags: ['fulfillment'],
        summary: step.summary,
        security: [{ bearer: [] }],
        middleware: [requireRole('barista')] as const,
        request: { params: TicketId },
        responses: { 200: json(Ticket, 'Ticket'), 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
      }),
      async (c) => c.json(await tickets.act(c.req.valid('param').id, step.action), 200),
    );
  }
  router.openapi(
    createRoute({
      method: 'post',
      path: '/tickets/{id}/reject',
      tags: ['fulfillment'],
      summary: 'Refuse the ticket (e.g. out of stock); the order saga refunds and cancels',
      security: [{ bearer: [] }],
      middleware: [requireRole('barista')] as const,
      request: { params: TicketId, body: { required: true, content: { 'application/json': { schema: Rejection } } } },
      responses: { 200: json(Ticket, 'Ticket'), 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    }),
    async (c) => c.json(await tickets.act(c.req.valid('param').id, 'reject', c.req.valid('json').reason), 200),
  );
  return router;
}
