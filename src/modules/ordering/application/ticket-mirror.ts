import type { Subscription, Logger } from '../../../shared/index.ts';
import { TicketHandedOver, TicketReady, TicketRejected, TicketStarted } from '../../fulfillment/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import { advanceTo, type PreparationStep } from '../domain/order.ts';
import { announce } from './announce.ts';
import type { OrderSaga } from './order-saga.ts';

/** ordering's subscriptions to the barista's steps, by their stable names. */
export const ticketEvents = {
  'ordering.mirror-ticket-started': TicketStarted,
  'ordering.mirror-ticket-ready': TicketReady,
  'ordering.mirror-ticket-handed-over': TicketHandedOver,
  'ordering.compensate-rejected-ticket': TicketRejected,
} as const;

type Handle<E extends (typeof ticketEvents)[keyof typeof ticketEvents]> = Subscription<E>['handle'];

/**
 * ordering listens to the barista: each ticket event is mirrored onto the order, and a rejected
 * ticket is the saga's to compensate. Every handler writes in its inbox transaction, so a
 * redelivered event changes nothing.
 */
export function ticketMirror(orders: OrderStore, saga: OrderSaga, logger: Logger) {
  const progress =
    (target: PreparationStep): Handle<typeof TicketStarted> =>
    async ({ orderId }, { commit }) => {
      // The order's saga and order rows only: batches may run other orders' mirrors beside it.
      await commit(
        async (tx, publish) => {
          const mirrored = await saga.mirrorsProgress(tx, orderId);
          const order = await orders.with(tx).byId(orderId, true);
          if (!order) return logger.warn({ orderId, target }, 'ticket event for an unknown order');
          if (!mirrored) return;
          const { order: next, passed } = advanceTo(order, target, new Date().toISOString());
          if (passed.length === 0) return;
          await orders.with(tx).save(next);
          await announce(publish, next, passed);
        },
        { touches: 'key' },
      );
    };
  const compensate: Handle<typeof TicketRejected> = ({ orderId, reason }, { commit }) => saga.ticketRejected(orderId, reason, commit);

  return {
    'ordering.mirror-ticket-started': progress('PREPARING'),
    'ordering.mirror-ticket-ready': progress('READY'),
    'ordering.mirror-ticket-handed-over': progress('COMPLETED'),
    'ordering.compensate-rejected-ticket': compensate,
  };
}
