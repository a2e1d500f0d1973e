/**
 * The Order aggregate. Its status machine is the one place that knows which moves are legal;
 * every use case asks it and stores what it answers, so an illegal transition cannot be written.
 * Pure: no clock (callers pass `at`), no database.
 */

import type { OrderLine, OrderReason, OrderStatus } from '../index.ts';

// The contract's schemas are the single description of these; the domain only names them.
export type { OrderLine, OrderReason, OrderStatus };

export interface StatusEntry {
  status: OrderStatus;
  at: string;
}

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly reason: OrderReason | null;
  readonly totalCents: number;
  readonly items: readonly OrderLine[];
  readonly history: readonly StatusEntry[];
  readonly createdAt: string;
}

/** Where each status may go next, and with which reasons. A missing target is illegal. */
const MOVES: Record<OrderStatus, Partial<Record<OrderStatus, readonly (OrderReason | null)[]>>> = {
  PENDING: { PAID: [null], REJECTED: ['payment_declined'], CANCELLED: ['customer_cancelled'] },
  PAID: { PREPARING: [null], CANCELLED: ['customer_cancelled', 'out_of_stock'] },
  // Once the barista started, only the barista can stop it (an ingredient ran out).
  PREPARING: { READY: [null], CANCELLED: ['out_of_stock'] },
  READY: { COMPLETED: [null] },
  COMPLETED: {},
  REJECTED: {},
  CANCELLED: {},
};

export const TERMINAL: readonly OrderStatus[] = ['COMPLETED', 'REJECTED', 'CANCELLED'];

export type Transition = { ok: true; order: Order } | { ok: false; refusal: string };

export function placeOrder(input: { id: string; customerId: string; items: readonly OrderLine[]; at: string }): Order {
  if (input.items.length === 0) throw new Error('An order needs at least one line');
  return {
    id: input.id,
    customerId: input.customerId,
    status: 'PENDING',
    reason: null,
    totalCents: totalOf(input.items),
    items: input.items,
    history: [{ status: 'PENDING', at: input.at }],
    createdAt: input.at,
  };
}

export function totalOf(items: readonly OrderLine[]): number {
  return items.reduce((sum, l) => sum + l.unitPriceCents * l.quantity, 0);
}

export function canMove(from: OrderStatus, to: OrderStatus, reason: OrderReason | null = null): boolean {
  return MOVES[from][to]?.includes(reason) ?? false;
}

/** The one way an order changes status: a legal move appends to the history, anything else is refused. */
export function transition(order: Order, to: OrderStatus, at: string, reason: OrderReason | null = null): Transition {
  if (!canMove(order.status, to, reason)) {
    return { ok: false, refusal: `An order cannot go from ${order.status} to ${to}${reason ? ` (${reason})` : ''}` };
  }
  return { ok: true, order: { ...order, status: to, reason, history: [...order.history, { status: to, at }] } };
}

/** The barista's path, which the order mirrors from the ticket. */
export type PreparationStep = Extract<OrderStatus, 'PREPARING' | 'READY' | 'COMPLETED'>;
const PREPARATION: readonly OrderStatus[] = ['PAID', 'PREPARING', 'READY', 'COMPLETED'];

/**
 * Moves the order forward along the preparation path up to `target`, through every status in
 * between. Ticket events may arrive out of order (ready before started): the order still passes
 * PREPARING on its way to READY, and a late, older event changes nothing.
 */
export function advanceTo(order: Order, target: PreparationStep, at: string): { order: Order; passed: OrderStatus[] } {
  const from = PREPARATION.indexOf(order.status);
  const to = PREPARATION.indexOf(target);
  if (from < 0 || from >= to) return { order, passed: [] };
  let current = order;
  const passed: OrderStatus[] = [];
  for (const status of PREPARATION.slice(from + 1, to + 1)) {
    const moved = transition(current, status, at);
    if (!moved.ok) break;
    current = moved.order;
    passed.push(status);
  }
  return { order: current, passed };
}

/** Why the customer may no longer cancel: the order is over, or the barista is at it. */
export type NotCancellable = { reason: 'already-settled'; status: OrderStatus } | { reason: 'preparation-started' };

/** Whether the customer may still ask to cancel; the ticket (if any) has the final word. */
export function customerMayCancel(order: Order): { ok: true } | { ok: false; refusal: NotCancellable } {
  if (order.status === 'PENDING' || order.status === 'PAID') return { ok: true };
  if (TERMINAL.includes(order.status)) return { ok: false, refusal: { reason: 'already-settled', status: order.status } };
  return { ok: false, refusal: { reason: 'preparation-started' } };
}
