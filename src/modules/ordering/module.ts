import { defineModule } from '../../shared/index.ts';
import { catalogApi } from '../catalog/index.ts';
import { fulfillmentApi } from '../fulfillment/index.ts';
import { paymentsApi } from '../payments/index.ts';
import { CancelOrder } from './application/cancel-order.ts';
import { KeyPurge } from './application/key-purge.ts';
import { OrderQueries } from './application/order-queries.ts';
import { OrderSaga } from './application/order-saga.ts';
import { PlaceOrder } from './application/place-order.ts';
import { ticketEvents, ticketMirror } from './application/ticket-mirror.ts';
import { OrderStore } from './db/order-store.ts';
import { SagaStore } from './db/saga-store.ts';
import * as schema from './db/schema.ts';
import { KeyWindow } from './domain/idempotency.ts';
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
  subscribesTo: ticketEvents,
  setup(ctx) {
    const { config } = ctx;
    const orderStore = new OrderStore(ctx.db);
    const unitOfWork = ctx.unitOfWork.bind(ctx);
    const logger = ctx.logger.child({ component: 'saga' });
    const saga = new OrderSaga(
      orderStore,
      new SagaStore(ctx.db),
      unitOfWork,
      ctx.api(paymentsApi),
      {
        retry: { baseMs: config.SAGA_RETRY_MS, maxMs: config.SAGA_RETRY_MAX_MS },
        pollMs: config.SAGA_POLL_MS,
        batchSize: config.SAGA_BATCH_SIZE,
        leaseSeconds: config.SAGA_LEASE_SECONDS,
      },
      logger,
    );
    ctx.gauge({
      name: 'ordering_saga_steps',
      help: 'Saga steps owed (charges and refunds not yet settled), and of those the ones retrying after a failure',
      label: 'state',
      sample: async () => {
        const { owed, retrying } = await saga.waiting();
        return { owed, retrying };
      },
    });
    const queries = new OrderQueries(orderStore);
    const keys = { window: new KeyWindow(config.IDEMPOTENCY_KEY_TTL_SECONDS), clock: () => new Date() };
    const place = new PlaceOrder(orderStore, saga, unitOfWork, ctx.api(catalogApi), keys);
    const keyPurge = new KeyPurge(orderStore, { ...keys, intervalMs: config.IDEMPOTENCY_PURGE_INTERVAL_SECONDS * 1000 }, ctx.logger.child({ component: 'idempotency' }));
    const cancel = new CancelOrder(orderStore, saga, ctx.api(fulfillmentApi));
    return {
      api: {
        getOrder: async ({ orderId }) => {
          const order = await queries.find(orderId);
          return order ? { ...order, items: [...order.items] } : null;
        },
      },
      routes: orderingRoutes(ctx.router(), { place, cancel, queries }),
      handlers: ticketMirror(orderStore, saga, logger),
      async start() {
        saga.start();
        keyPurge.start();
      },
      async stop() {
        await Promise.all([saga.stop(), keyPurge.stop()]);
      },
      async health() {
        const { owed, retrying } = await saga.waiting();
        return { ok: true, detail: `saga steps owed: ${owed} (retrying: ${retrying})` };
      },
    };
  },
});
