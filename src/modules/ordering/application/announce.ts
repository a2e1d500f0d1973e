import type { Publish } from '../../../shared/index.ts';
import type { Order, OrderStatus } from '../domain/order.ts';
import { OrderCancelled, OrderCompleted, OrderPaid, OrderPlaced, OrderRejected, OrderStatusChanged } from '../index.ts';

/**
 * Publishes what the order went through: one `order-status-changed` per status it entered (the
 * stream order-history views follow), plus the milestone event other contexts react to.
 */
export async function announce(publish: Publish, order: Order, entered: readonly OrderStatus[]): Promise<void> {
  const base = { orderId: order.id, customerId: order.customerId };
  const items = [...order.items];
  for (const status of entered) {
    const at = [...order.history].reverse().find((h) => h.status === status)?.at ?? new Date().toISOString();
    const final = status === 'CANCELLED' || status === 'REJECTED';
    if (status === 'PENDING') await publish(OrderPlaced, { ...base, totalCents: order.totalCents, items, placedAt: at });
    await publish(OrderStatusChanged, { ...base, status, reason: final ? order.reason : null, at });
    if (status === 'PAID') await publish(OrderPaid, { ...base, totalCents: order.totalCents, items });
    if (status === 'COMPLETED') await publish(OrderCompleted, { ...base, items, completedAt: at });
    if (status === 'CANCELLED') await publish(OrderCancelled, { ...base, reason: order.reason! });
    if (status === 'REJECTED') await publish(OrderRejected, { ...base, reason: order.reason! });
  }
}
