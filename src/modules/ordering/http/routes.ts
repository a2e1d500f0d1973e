import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../shared/http/app-env.ts';
import { principalOf, requireRole, requireUser } from '../../../shared/http/auth.ts';
import type { CancelOrder } from '../application/cancel-order.ts';
import type { OrderQueries } from '../application/order-queries.ts';
import type { PlaceOrder } from '../application/place-order.ts';
import type { Order } from '../domain/order.ts';
import { OrderLine, OrderReason, OrderStatus } from '../index.ts';
import { orRefuse } from './problems.ts';

/** Bounds keep one request from becoming a denial of service (or an integer overflow). */
export const MAX_LINES = 20;
export const MAX_QUANTITY = 20;

const NewOrder = z.strictObject({
  items: z
    .array(z.strictObject({ itemId: z.uuid(), quantity: z.number().int().min(1).max(MAX_QUANTITY) }))
    .min(1)
    .max(MAX_LINES)
    .refine((lines) => new Set(lines.map((l) => l.itemId.toLowerCase())).size === lines.length, { message: 'Each item may appear once; use quantity' }),
});
const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional()
    .openapi({ description: 'Retrying with the same key and body returns the same order' }),
});
const OrderId = z.object({ id: z.uuid() });

const Placement = z.object({ id: z.uuid(), status: OrderStatus, totalCents: z.number().int(), items: z.array(OrderLine) }).openapi('OrderPlacement');
const OrderView = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    status: OrderStatus,
    reason: OrderReason.optional(),
    totalCents: z.number().int(),
    items: z.array(OrderLine),
    history: z.array(z.object({ status: OrderStatus, at: z.string() })),
    createdAt: z.string(),
  })
  .openapi('Order');

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

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
    createRoute({
      method: 'post',
      path: '/',
      tags: ['ordering'],
      summary: 'Place an order; payment is confirmed asynchronously',
      security: [{ bearer: [] }],
      middleware: [requireRole('customer')] as const,
      request: { headers: IdempotencyHeaders, body: { required: true, content: { 'application/json': { schema: NewOrder } } } },
      responses: { 202: json(Placement, 'Accepted: PENDING until paid'), 400: problem, 401: problem, 403: problem, 404: problem, 422: problem, 503: problem },
    }),
    async (c) => {
      const key = c.req.valid('header')['idempotency-key'];
      const { order, replayed } = orRefuse(await orders.place.run(principalOf(c).id, c.req.valid('json'), key));
      // A replay answers exactly what the first request was answered.
      const answer = { id: order.id, status: 'PENDING' as const, totalCents: order.totalCents, items: [...order.items] };
      return c.json(answer, 202, replayed ? { 'idempotent-replayed': 'true' } : {});
    },
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['ordering'],
      summary: "The caller's orders, newest first",
      security: [{ bearer: [] }],
      middleware: [requireUser()] as const,
      responses: { 200: json(z.array(OrderView), 'Orders'), 401: problem },
    }),
    async (c) => c.json((await orders.queries.mine(principalOf(c).id)).map(view), 200),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['ordering'],
      summary: 'One order with its status history (owner, barista, admin)',
      security: [{ bearer: [] }],
      middleware: [requireUser()] as const,
      request: { params: OrderId },
      responses: { 200: json(OrderView, 'Order'), 400: problem, 401: problem, 403: problem, 404: problem },
    }),
    async (c) => c.json(view(orRefuse(await orders.queries.get(c.req.valid('param').id, principalOf(c))).order), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/cancel',
      tags: ['ordering'],
      summary: 'Cancel your order before preparation starts',
      description: '200 with the CANCELLED order once refunded; 202 when the refund is still owed (payments unreachable) and will complete on its own.',
      security: [{ bearer: [] }],
      middleware: [requireUser()] as const,
      request: { params: OrderId },
      responses: { 200: json(OrderView, 'Cancelled'), 202: json(OrderView, 'Cancellation accepted, refund pending'), 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    }),
    async (c) => {
      const { order, settled } = orRefuse(await orders.cancel.run(c.req.valid('param').id, principalOf(c)));
      return c.json(view(order), settled ? 200 : 202);
    },
  );
  return router;
}
