/**
 * storefront's public entry: the shapes of its read models. storefront is a pure query side:
 * it publishes no events and offers no API to other modules; it only listens.
 */
import { z } from 'zod';
import { OrderLine, OrderReason, OrderStatus } from '../ordering/index.ts';

export const MenuEntryDto = z.object({
  id: z.uuid(),
  name: z.string(),
  priceCents: z.number().int().nonnegative(),
  available: z.boolean(),
  /** Mean rating rounded to two decimals; null until the first review. */
  avgRating: z.number().min(1).max(5).nullable(),
  reviewCount: z.number().int().nonnegative(),
});
export type MenuEntryDto = z.infer<typeof MenuEntryDto>;

export const OrderHistoryEntryDto = z.object({
  id: z.uuid(),
  status: OrderStatus,
  reason: OrderReason.nullable(),
  totalCents: z.number().int().nonnegative(),
  items: z.array(OrderLine),
  placedAt: z.iso.datetime(),
  /** When the shown status was reached (placement time while still PENDING). */
  updatedAt: z.iso.datetime(),
});
export type OrderHistoryEntryDto = z.infer<typeof OrderHistoryEntryDto>;
