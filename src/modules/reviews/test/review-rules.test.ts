import { describe, expect, it } from 'vitest';
import { eligibility, MAX_REVIEW_TEXT, type CompletedOrder } from '../domain/review.ts';

const order: CompletedOrder = {
  orderId: 'o-1',
  customerId: 'ann',
  items: [
    { itemId: 'latte', name: 'Latte' },
    { itemId: 'scone', name: 'Scone' },
  ],
};

describe('who may review what', () => {
  it('lets the customer review any item of their completed order', () => {
    expect(eligibility(order, 'ann', 'latte')).toBe('eligible');
    expect(eligibility(order, 'ann', 'scone')).toBe('eligible');
  });

  it('refuses an order not (yet) known to be completed', () => {
    expect(eligibility(undefined, 'ann', 'latte')).toBe('order-not-completed');
  });

  it("refuses another customer's order, even for an item in it", () => {
    expect(eligibility(order, 'bob', 'latte')).toBe('not-the-customer');
  });

  it('refuses an item the order did not contain', () => {
    expect(eligibility(order, 'ann', 'muffin')).toBe('item-not-in-order');
    expect(eligibility({ ...order, items: [] }, 'ann', 'latte')).toBe('item-not-in-order');
  });

  it('checks the customer before the items', () => {
    expect(eligibility(order, 'bob', 'muffin')).toBe('not-the-customer');
  });

  it('bounds review texts at 2000 characters', () => {
    expect(MAX_REVIEW_TEXT).toBe(2000);
  });
});
