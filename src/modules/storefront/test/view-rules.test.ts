import { describe, expect, it } from 'vitest';
import { averageRating, statusRank } from '../domain/views.ts';

describe('storefront view rules', () => {
  it('reads no rating as null and a mean to two decimals', () => {
    expect(averageRating(0, 0)).toBeNull();
    expect(averageRating(4, -1)).toBeNull();
    expect(averageRating(9, 2)).toBe(4.5);
    expect(averageRating(1, 3)).toBe(0.33);
    expect(averageRating(2, 3)).toBe(0.67);
  });

  it('ranks the statuses along the order lifecycle', () => {
    const path = ['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED'];
    for (let i = 1; i < path.length; i++) expect(statusRank(path[i]!), path[i]).toBeGreaterThan(statusRank(path[i - 1]!));
    expect(statusRank('PENDING')).toBe(0);
  });

  it('ranks every end of an order above any status before it, and the ends alike', () => {
    for (const end of ['COMPLETED', 'REJECTED', 'CANCELLED']) {
      expect(statusRank(end)).toBe(statusRank('COMPLETED'));
      for (const earlier of ['PENDING', 'PAID', 'PREPARING', 'READY']) expect(statusRank(end), `${end} > ${earlier}`).toBeGreaterThan(statusRank(earlier));
    }
  });

  it('ranks a status it does not know as PENDING, so it never hides a known one', () => {
    expect(statusRank('REFUNDED')).toBe(0);
    expect(statusRank('paid')).toBe(0);
  });
});
