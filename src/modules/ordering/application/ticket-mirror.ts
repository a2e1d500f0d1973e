import { subscribe, type Subscription } from '../../../shared/bus/subscription.ts';
import type { Logger } from '../../../shared/logger.ts';
import { TicketHandedOver, TicketReady, TicketRejected, TicketStarted } from '../../fulfillment/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import type { SagaStore } from '../db/saga-store.ts';
import { advanceTo, TERMINAL } from '../domain/order.ts';
import { announce } from './announce.ts';
import type { SagaScheduler } from './saga-scheduler.ts';

/**
 * The saga listens to the barista: each ticket event is mirrored onto the order, and a rejected
 * ticket starts the compensation (refund, then CANCELLED out_of_stock). Every handler writes in
 * its inbox transaction, so a redelivered event changes nothing.
 */
export function ticketMirror(orders: OrderStore, sagas: SagaStore, scheduler: SagaScheduler, logger: Logger): Subscription[] {
  const progress = (name: string, event: typeof TicketStarted, target: 'PREPARING' | 'READY' | 'COMPLETED') =>
    subscribe(`ordering.${name}`, event, async ({ orderId }, { commit }) => {
      await commit(async (tx, publish) => {
        const saga = await sagas.with(tx).lock(orderId);
        const order = await orders.with(tx).byId(orderId, true);
        if (!order) return logger.warn({ orderId, target }, 'ticket event for an unknown order');
        // A compensation under way wins over a late progress event.
        if (saga?.step === 'refund') return;
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
    subscribe('ordering.compensate-rejected-ticket', TicketRejected, async ({ orderId, reason }, { commit }) => {
      const owed = await commit(async (tx) => {
        const saga = await sagas.with(tx).lock(orderId);
        const order = await orders.with(tx).byId(orderId, true);
        if (!saga || !order || TERMINAL.includes(order.status) || saga.step === 'refund') return false;
        logger.info({ orderId, reason }, 'ticket rejected; refunding and cancelling the order');
        await sagas.with(tx).oweRefund(orderId, 'out_of_stock');
        return true;
      });
      if (owed) scheduler.wake();
    }),
  ];
}
