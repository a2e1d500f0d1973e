/**
 * A brew ticket and the barista's status machine. Pure: the store turns `FROM` into the
 * condition of an atomic UPDATE, so two baristas pressing at once cannot both move a ticket.
 */

export type TicketStatus = 'QUEUED' | 'PREPARING' | 'READY' | 'HANDED_OVER' | 'REJECTED' | 'WITHDRAWN';
export type TicketAction = 'start' | 'ready' | 'handover' | 'reject' | 'withdraw';

export interface TicketLine {
  itemId: string;
  name: string;
  quantity: number;
}

export interface Ticket {
  id: string;
  orderId: string;
  status: TicketStatus;
  items: TicketLine[];
  reason: string | null;
  openedAt: string | null;
}

/** For each action: the statuses it may start from, and where it leads. */
export const MOVES: Record<TicketAction, { from: readonly TicketStatus[]; to: TicketStatus }> = {
  start: { from: ['QUEUED'], to: 'PREPARING' },
  ready: { from: ['PREPARING'], to: 'READY' },
  handover: { from: ['READY'], to: 'HANDED_OVER' },
  // An ingredient can run out before or during preparation, not once the drink is made.
  reject: { from: ['QUEUED', 'PREPARING'], to: 'REJECTED' },
  // The customer may withdraw only what nobody has touched yet.
  withdraw: { from: ['QUEUED'], to: 'WITHDRAWN' },
};

/** Statuses in which the barista has begun (or finished) the work: too late to withdraw. */
export const STARTED: readonly TicketStatus[] = ['PREPARING', 'READY', 'HANDED_OVER'];

export type Move = { ok: true; ticket: Ticket } | { ok: false; refusal: string };

export function apply(ticket: Ticket, action: TicketAction, reason: string | null = null): Move {
  const move = MOVES[action];
  if (!move.from.includes(ticket.status)) {
    return { ok: false, refusal: `A ${ticket.status} ticket cannot be ${PAST[action]}` };
  }
  return { ok: true, ticket: { ...ticket, status: move.to, reason: action === 'reject' ? reason : ticket.reason } };
}

const PAST: Record<TicketAction, string> = { start: 'started', ready: 'marked ready', handover: 'handed over', reject: 'rejected', withdraw: 'withdrawn' };

/** What withdrawing means for a ticket in this status (the saga needs a plain yes or no). */
export function withdrawOutcome(status: TicketStatus): 'withdrawn' | 'already_started' {
  // REJECTED and WITHDRAWN tickets will never be made either: the answer the saga wants is "withdrawn".
  return STARTED.includes(status) ? 'already_started' : 'withdrawn';
}
