import { defineModule } from '../../shared/module.ts';
import { catalogApi } from '../catalog/index.ts';
import { fulfillmentApi, TicketHandedOver, TicketReady, TicketRejected, TicketStarted } from '../fulfillment/index.ts';
import { paymentsApi } from '../payments/index.ts';
import { OrderSaga } from './application/order-saga.ts';
import { Orders } from './application/orders.ts';
import { SagaScheduler } from './application/saga-scheduler.ts';
import { ticketMirror } from './application/ticket-mirror.ts';
import { OrderStore } from './db/order-store.ts';
import { SagaStore } from './db/saga-store.ts';
import * as schema from './db/schema.ts';
import { orderingRoutes } from './http/routes.ts';
import { orderingSettings } from './settings.ts';
import { OrderCancelled, OrderCompleted, OrderPaid, OrderPlaced, OrderRejected, OrderStatusChanged, orderingApi } from './index.ts';

/**
 * ordering orchestrates the order saga: it tells payments what to do (charge, refund) and keeps
 * the saga's progress in its own schema; it follows fulfillment only through its events.
 */
export const orderingModule = defineModule({
  name: 'ordering',
  mountPath: '/api/orders',
  tables: schema,
  settings: orderingSettings,
  provides: orderingApi,
  requires: [catalogApi, paymentsApi, fulfillmentApi],
  publishes: [OrderPlaced, OrderStatusChanged, OrderPaid, OrderCompleted, OrderCancelled, OrderRejected],
  subscribesTo: [TicketStarted, TicketReady, TicketHandedOver, TicketRejected],
  setup(ctx) {
    const { config } = ctx;
    const orderStore = new OrderStore(ctx.db);
    const sagaStore = new SagaStore(ctx.db);
    const unitOfWork = ctx.unitOfWork.bind(ctx);
    const logger = ctx.logger.child({ component: 'saga' });
    const saga = new OrderSaga(orderStore, sagaStore, unitOfWork, ctx.api(paymentsApi), { baseMs: config.SAGA_RETRY_MS, maxMs: config.SAGA_RETRY_MAX_MS }, logger);
    const scheduler = new SagaScheduler(sagaStore, saga, { pollMs: config.SAGA_POLL_MS, batchSize: config.SAGA_BATCH_SIZE, leaseSeconds: config.SAGA_LEASE_SECONDS }, logger);
    const orders = new Orders(orderStore, sagaStore, unitOfWork, ctx.api(catalogApi), ctx.api(fulfillmentApi), scheduler);
    return {
      api: {
        getOrder: async ({ orderId }) => {
          const order = await orders.find(orderId);
          return order ? { ...order, items: [...order.items] } : null;
        },
      },
      routes: orderingRoutes(ctx.router(), orders),
      subscriptions: ticketMirror(orderStore, sagaStore, scheduler, logger),
      async start() {
        scheduler.start();
      },
      stop: () => scheduler.stop(),
      async health() {
        const { owed, retrying } = await sagaStore.waiting();
        return { ok: true, detail: `saga steps owed: ${owed} (retrying: ${retrying})` };
      },
    };
  },
});
