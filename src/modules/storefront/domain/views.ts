/** Pure rules of storefront's views: how ratings read, and which order status is the latest. */

/** null when nobody rated the item yet; otherwise the mean rounded to two decimals. */
export function averageRating(ratingSum: number, reviewCount: number): number | null {
  if (reviewCount <= 0) return null;
  return Math.round((ratingSum * 100) / reviewCount) / 100;
}

/**
 * Where a status sits in the order's lifecycle. Orders only move forward, so a status event
 * with a lower rank than the one shown is older news, whatever order the bus delivered it in.
 */
const RANK: Record<string, number> = { PENDING: 0, PAID: 1, PREPARING: 2, READY: 3, COMPLETED: 4, REJECTED: 4, CANCELLED: 4 };

export function statusRank(status: string): number {
  return RANK[status] ?? 0;
}
