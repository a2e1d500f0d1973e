/** The rules for who may review what, kept free of storage and HTTP. */

export const MAX_REVIEW_TEXT = 2000;

export interface CompletedOrder {
  orderId: string;
  customerId: string;
  items: { itemId: string; name: string }[];
}

export type Eligibility = 'eligible' | 'order-not-completed' | 'not-the-customer' | 'item-not-in-order';

/**
 * A customer may review an item of one of their own orders once that order is completed. An
 * order we have not heard completed yet (or never will) is indistinguishable from an unknown one.
 */
export function eligibility(order: CompletedOrder | undefined, customerId: string, itemId: string): Eligibility {
  if (!order) return 'order-not-completed';
  if (order.customerId !== customerId) return 'not-the-customer';
  if (!order.items.some((i) => i.itemId === itemId)) return 'item-not-in-order';
  return 'eligible';
}
