/**
 * ordering's public entry: the order saga's events. Payloads carry what subscribers need so
 * they keep local copies instead of calling back (reviews, storefront, fulfillment).
 */
import { z } from 'zod';
import { defineApi, defineEvent } from '../../shared/index.ts';

export const OrderStatus = z.enum(['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED', 'REJECTED', 'CANCELLED']);
export type OrderStatus = z.infer<typeof OrderStatus>;
export const OrderReason = z.enum(['payment_declined', 'out_of_stock', 'customer_cancelled']);
export type OrderReason = z.infer<typeof OrderReason>;

export const OrderLine = z.object({
  itemId: z.uuid(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPriceCents: z.number().int().nonnegative(),
});
export type OrderLine = z.infer<typeof OrderLine>;

const base = { orderId: z.uuid(), customerId: z.uuid() };
/** Every ordering event is about one order; subscribers apply a batch of them in order id order. */
const byOrder = { key: (p: { orderId: string }) => p.orderId };

export const OrderPlaced = defineEvent(
  'ordering.order-placed',
  z.object({ ...base, totalCents: z.number().int().nonnegative(), items: z.array(OrderLine).min(1), placedAt: z.iso.datetime() }),
  byOrder,
);
export const OrderPaid = defineEvent('ordering.order-paid', z.object({ ...base, totalCents: z.number().int(), items: z.array(OrderLine).min(1) }), byOrder);
/** Every status change, including the ones above: what order-history views follow. */
export const OrderStatusChanged = defineEvent(
  'ordering.order-status-changed',
  z.object({ ...base, status: OrderStatus, reason: OrderReason.nullable(), at: z.iso.datetime() }),
  byOrder,
);
export const OrderCompleted = defineEvent('ordering.order-completed', z.object({ ...base, items: z.array(OrderLine).min(1), completedAt: z.iso.datetime() }), byOrder);
export const OrderCancelled = defineEvent('ordering.order-cancelled', z.object({ ...base, reason: OrderReason }), byOrder);
export const OrderRejected = defineEvent('ordering.order-rejected', z.object({ ...base, reason: OrderReason }), byOrder);

export const OrderDto = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  status: OrderStatus,
  reason: OrderReason.nullable(),
  totalCents: z.number().int(),
  items: z.array(OrderLine),
  createdAt: z.iso.datetime(),
});
export type OrderDto = z.infer<typeof OrderDto>;

export const orderingApi = defineApi('ordering', {
  getOrder: { input: z.object({ orderId: z.uuid() }), output: OrderDto.nullable(), idempotent: true },
});
export type OrderingApi = typeof orderingApi;
