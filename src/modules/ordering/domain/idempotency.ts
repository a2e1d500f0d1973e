/**
 * How long an Idempotency-Key holds. A key answers with its order for a window after the order
 * was placed; once the window is over the key is free, and the same key (even with the same body)
 * places a new order. One predicate decides expiry everywhere (the lookup, the release before an
 * insert, the periodic purge), so none of them can treat a key as expired while another still
 * honours it.
 */
export class KeyWindow {
  constructor(readonly ttlSeconds: number) {}

  /** Keys of orders placed before this instant have expired; those placed at it or later hold. */
  cutoff(now: Date): Date {
    return new Date(now.getTime() - this.ttlSeconds * 1000);
  }

  holds(placedAt: string, now: Date): boolean {
    return Date.parse(placedAt) >= this.cutoff(now).getTime();
  }
}
