import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { type AppEnv, principalOf, json, jsonBody, operation, uuid } from '../../../shared/http/index.ts';
import type { CancelOrder } from '../application/cancel-order.ts';
import type { OrderQueries } from '../application/order-queries.ts';
import type { PlaceOrder } from '../application/place-order.ts';
import type { Order } from '../domain/order.ts';
import { OrderLine, OrderReason, OrderStatus } from '../index.ts';
import { orRefuse } from './problems.ts';

/** Bounds keep one request from becoming a denial of service (or an integer overflow). */
export const MAX_LINES = 20;
export const MAX_QUANTITY = 20;

const NewOrder = z
  .strictObject({
    items: z
      .array(z.strictObject({ itemId: uuid(), quantity: z.number().int().min(1).max(MAX_QUANTITY) }))
      .min(1)
      .max(MAX_LINES)
      .refine((lines) => new Set(lines.map((l) => l.itemId.toLowerCase())).size === lines.length, { message: 'Each item may appear once; use quantity' })
      // JSON Schema cannot say "unique by itemId"; uniqueItems catches exact repeats, the extension names the key.
      .openapi({ uniqueItems: true, 'x-unique-by': 'itemId', description: `1 to ${MAX_LINES} lines; each itemId at most once (case-insensitively): order more of one item with quantity` }),
  })
  .openapi('NewOrder');
const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .openapi({
      description:
        "Retrying with the same key and body returns the same order; the same key with another body answers 422. A key holds for a day after its order was placed (the server's `IDEMPOTENCY_KEY_TTL_SECONDS`); after that it places a new order",
    }),
});
const OrderId = z.object({ id: uuid() });

const Placement = z.object({ id: z.uuid(), status: OrderStatus, totalCents: z.number().int(), items: z.array(OrderLine) }).openapi('OrderPlacement');
const OrderView = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    status: OrderStatus,
    reason: OrderReason.optional().openapi({ description: 'Present once the order is REJECTED or CANCELLED' }),
    totalCents: z.number().int(),
    items: z.array(OrderLine),
    history: z.array(z.object({ status: OrderStatus, at: z.iso.datetime() })),
    createdAt: z.iso.datetime(),
  })
  .openapi('Order');


function view(order: Order): z.infer<typeof OrderView> {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    ...(order.reason ? { reason: order.reason } : {}),
    totalCents: order.totalCents,
    items: [...order.items],
    history: [...order.history],
    createdAt: order.createdAt,
  };
}

export interface OrderingUseCases {
  place: PlaceOrder;
  cancel: CancelOrder;
  queries: OrderQueries;
}

export function orderingRoutes(router: OpenAPIHono<AppEnv>, orders: OrderingUseCases): OpenAPIHono<AppEnv> {
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/',
        operationId: 'placeOrder',
        tags: ['ordering'],
        summary: 'Place an order; payment is confirmed asynchronously',
        request: { headers: IdempotencyHeaders, body: jsonBody(NewOrder) },
        responses: { 202: json(Placement, 'Accepted: PENDING until paid', ['Idempotent-Replayed']) },
      },
      {
        access: { roles: ['customer'] },
        errors: {
          404: 'An item is not on the menu',
          422: 'An item is unavailable, or the Idempotency-Key was used with another body',
          503: 'catalog is unavailable, so the order cannot be priced',
        },
      },
    ),
    async (c) => {
      const key = c.req.valid('header')['idempotency-key'];
      const { order, replayed } = orRefuse(await orders.place.run(principalOf(c).id, c.req.valid('json'), key));
      // A replay answers exactly what the first request was answered.
      const answer = { id: order.id, status: 'PENDING' as const, totalCents: order.totalCents, items: [...order.items] };
      return c.json(answer, 202, replayed ? { 'idempotent-replayed': 'true' } : {});
    },
  );
  router.openapi(
    operation(
      { method: 'get', path: '/', operationId: 'listMyOrders', tags: ['ordering'], summary: "The caller's orders, newest first", responses: { 200: json(z.array(OrderView), 'Orders') } },
      { access: 'user' },
    ),
    async (c) => c.json((await orders.queries.mine(principalOf(c).id)).map(view), 200),
  );
  router.openapi(
    operation(
      {
        method: 'get',
        path: '/{id}',
        operationId: 'getOrder',
        tags: ['ordering'],
        summary: 'One order with its status history (owner, barista, admin)',
        request: { params: OrderId },
        responses: { 200: json(OrderView, 'Order') },
      },
      { access: 'user', errors: { 403: 'Another customer\'s order', 404: 'No such order' } },
    ),
    async (c) => c.json(view(orRefuse(await orders.queries.get(c.req.valid('param').id, principalOf(c))).order), 200),
  );
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/{id}/cancel',
        operationId: 'cancelOrder',
        tags: ['ordering'],
        summary: 'Cancel your order before preparation starts',
        description:
          'Both answers carry the order as it is now. 200: cancelled and settled (refunded, or nothing was charged). ' +
          '202: cancellation accepted while the refund is still owed (payments unreachable); it completes on its own.',
        request: { params: OrderId },
        responses: { 200: json(OrderView, 'Cancelled and settled'), 202: json(OrderView, 'Cancellation accepted; the refund is still owed') },
      },
      { access: 'user', errors: { 403: 'Another customer\'s order', 404: 'No such order', 409: 'Preparation has started, or the order is already settled', 503: 'fulfillment is unavailable, so the ticket cannot be withdrawn yet' } },
    ),
    async (c) => {
      const { order, settled } = orRefuse(await orders.cancel.run(c.req.valid('param').id, principalOf(c)));
      return c.json(view(order), settled ? 200 : 202);
    },
  );
  return router;
}
