import { subscribe, type Subscription } from '../../../shared/bus/subscription.ts';
import type { Logger } from '../../../shared/logger.ts';
import { TicketHandedOver, TicketReady, TicketRejected, TicketStarted } from '../../fulfillment/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import { advanceTo, type PreparationStep } from '../domain/order.ts';
import { announce } from './announce.ts';
import type { OrderSaga } from './order-saga.ts';

/**
 * ordering listens to the barista: each ticket event is mirrored onto the order, and a rejected
 * ticket is the saga's to compensate. Every handler writes in its inbox transaction, so a
 * redelivered event changes nothing.
 */
export function ticketMirror(orders: OrderStore, saga: OrderSaga, logger: Logger): Subscription[] {
  const progress = (name: string, event: typeof TicketStarted, target: PreparationStep) =>
    subscribe(`ordering.${name}`, event, async ({ orderId }, { commit }) => {
      await commit(async (tx, publish) => {
        const mirrored = await saga.mirrorsProgress(tx, orderId);
        const order = await orders.with(tx).byId(orderId, true);
        if (!order) return logger.warn({ orderId, target }, 'ticket event for an unknown order');
        if (!mirrored) return;
        const { order: next, passed } = advanceTo(order, target, new Date().toISOString());
        if (passed.length === 0) return;
        await orders.with(tx).save(next);
        await announce(publish, next, passed);
      });
    });

  return [
    progress('mirror-ticket-started', TicketStarted, 'PREPARING'),
    progress('mirror-ticket-ready', TicketReady, 'READY'),
    progress('mirror-ticket-handed-over', TicketHandedOver, 'COMPLETED'),
    subscribe('ordering.compensate-rejected-ticket', TicketRejected, ({ orderId, reason }, { commit }) => saga.ticketRejected(orderId, reason, commit)),
  ];
}
