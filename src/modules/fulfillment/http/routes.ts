import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { conflict, notFound, type AppEnv, json, jsonBody, operation, uuid, safeText } from '../../../shared/http/index.ts';
import type { ActOutcome, Tickets } from '../application/tickets.ts';
import { TicketDto, TicketStatus } from '../index.ts';

// Rebuilt with the OpenAPI-aware z: the contract's schema may have been created before it was loaded.
const Ticket = z.object(TicketDto.shape).openapi('Ticket');
const TicketId = z.object({ id: uuid() });
const Rejection = z.strictObject({ reason: safeText(z.string().trim().min(1).max(200)) }).openapi('TicketRejection');

const STEPS = [
  { path: 'start', action: 'start', operationId: 'startTicket', summary: 'Start preparing (QUEUED → PREPARING)' },
  { path: 'ready', action: 'ready', operationId: 'markTicketReady', summary: 'Mark ready for pick-up (PREPARING → READY)' },
  { path: 'handover', action: 'handover', operationId: 'handOverTicket', summary: 'Hand over to the customer (READY → HANDED_OVER)' },
] as const;

const STEP_ERRORS = { 404: 'No such ticket', 409: 'The ticket is not in a state this step leaves from (`ticket-transition`)' };

export function fulfillmentRoutes(router: OpenAPIHono<AppEnv>, tickets: Tickets): OpenAPIHono<AppEnv> {
  router.openapi(
    operation(
      {
        method: 'get',
        path: '/tickets',
        operationId: 'listTickets',
        tags: ['fulfillment'],
        summary: "The barista's tickets, oldest first",
        request: { query: z.object({ status: TicketStatus.optional() }) },
        responses: { 200: json(z.array(Ticket), 'Tickets') },
      },
      { access: { roles: ['barista', 'admin'] } },
    ),
    async (c) => c.json(await tickets.list(c.req.valid('query').status), 200),
  );
  for (const step of STEPS) {
    router.openapi(
      operation(
        {
          method: 'post',
          path: `/tickets/{id}/${step.path}`,
          operationId: step.operationId,
          tags: ['fulfillment'],
          summary: step.summary,
          request: { params: TicketId },
          responses: { 200: json(Ticket, 'Ticket') },
        },
        { access: { roles: ['barista'] }, errors: STEP_ERRORS },
      ),
      async (c) => c.json(ticketOf(await tickets.act(c.req.valid('param').id, step.action)), 200),
    );
  }
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/tickets/{id}/reject',
        operationId: 'rejectTicket',
        tags: ['fulfillment'],
        summary: 'Refuse the ticket (e.g. out of stock); the order saga refunds and cancels',
        request: { params: TicketId, body: jsonBody(Rejection) },
        responses: { 200: json(Ticket, 'Ticket') },
      },
      { access: { roles: ['barista'] }, errors: STEP_ERRORS },
    ),
    async (c) => c.json(ticketOf(await tickets.act(c.req.valid('param').id, 'reject', c.req.valid('json').reason)), 200),
  );
  return router;
}

/** The moved ticket, or the refusal as its HTTP problem. */
function ticketOf(outcome: ActOutcome) {
  if (outcome.ok) return outcome.ticket;
  if (outcome.refusal.reason === 'not_found') throw notFound('Ticket');
  throw conflict(outcome.refusal.detail, 'ticket-transition');
}
