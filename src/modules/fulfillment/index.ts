/**
 * fulfillment's public entry. Tickets open from `ordering.order-paid` (choreography); each
 * barista step is an event ordering mirrors. `withdrawTicket` is the one synchronous call: the
 * saga needs an immediate yes/no when a customer cancels.
 */
import { z } from 'zod';
import { defineApi, defineEvent } from '../../shared/index.ts';

export const TicketStatus = z.enum(['QUEUED', 'PREPARING', 'READY', 'HANDED_OVER', 'REJECTED', 'WITHDRAWN']);
export type TicketStatus = z.infer<typeof TicketStatus>;

const ticket = { ticketId: z.uuid(), orderId: z.uuid() };
/** A ticket is its order's: subscribers (ordering's mirror) lock order rows, so events are keyed by order id. */
const byOrder = { key: (p: { orderId: string }) => p.orderId };

export const TicketOpened = defineEvent('fulfillment.ticket-opened', z.object(ticket), byOrder);
export const TicketStarted = defineEvent('fulfillment.ticket-started', z.object(ticket), byOrder);
export const TicketReady = defineEvent('fulfillment.ticket-ready', z.object(ticket), byOrder);
export const TicketHandedOver = defineEvent('fulfillment.ticket-handed-over', z.object(ticket), byOrder);
export const TicketRejected = defineEvent('fulfillment.ticket-rejected', z.object({ ...ticket, reason: z.string() }), byOrder);
/** The customer cancelled before preparation began; the ticket will never be made. */
export const TicketWithdrawn = defineEvent('fulfillment.ticket-withdrawn', z.object(ticket), byOrder);

export const TicketLine = z.object({ itemId: z.uuid(), name: z.string(), quantity: z.number().int().positive() });
export const TicketDto = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  status: TicketStatus,
  items: z.array(TicketLine),
  reason: z.string().nullable(),
  openedAt: z.iso.datetime().nullable(),
});
export type TicketDto = z.infer<typeof TicketDto>;

export const fulfillmentApi = defineApi('fulfillment', {
  /**
   * `withdrawn`: the ticket (or, if it has not been opened yet, its future ticket) will never be
   * made; `already_started`: preparation began, too late to cancel.
   */
  withdrawTicket: { input: z.object({ orderId: z.uuid() }), output: z.object({ outcome: z.enum(['withdrawn', 'already_started']) }), idempotent: true },
});
export type FulfillmentApi = typeof fulfillmentApi;
