import { defineModule } from '../../shared/index.ts';
import { OrderPaid } from '../ordering/index.ts';
import { Tickets } from './application/tickets.ts';
import { TicketStore } from './db/ticket-store.ts';
import * as schema from './db/schema.ts';
import { fulfillmentRoutes } from './http/routes.ts';
import { fulfillmentApi, TicketHandedOver, TicketOpened, TicketReady, TicketRejected, TicketStarted, TicketWithdrawn } from './index.ts';

/**
 * fulfillment choreographs: nobody tells it what to do. It hears `ordering.order-paid`, opens a
 * ticket, and announces each barista step; ordering decides what those mean for the order.
 */
export const fulfillmentModule = defineModule({
  name: 'fulfillment',
  mountPath: '/api/fulfillment',
  tables: schema,
  provides: fulfillmentApi,
  requires: [],
  publishes: [TicketOpened, TicketStarted, TicketReady, TicketHandedOver, TicketRejected, TicketWithdrawn],
  subscribesTo: { 'fulfillment.open-ticket': OrderPaid },
  setup(ctx) {
    const tickets = new Tickets(new TicketStore(ctx.db), (work) => ctx.unitOfWork(work));
    return {
      api: {
        withdrawTicket: ({ orderId }) => tickets.withdraw(orderId),
      },
      routes: fulfillmentRoutes(ctx.router(), tickets),
      handlers: {
        'fulfillment.open-ticket': async (paid, { commit }) => {
          // One ticket per order: its row is the order's alone.
          await commit((tx, publish) => tickets.open(tx, publish, paid), { touches: 'key' });
        },
      },
    };
  },
});
