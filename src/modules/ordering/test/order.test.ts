import { describe, expect, it } from 'vitest';
import { advanceTo, canMove, customerMayCancel, placeOrder, transition, type Order, type OrderStatus } from '../domain/order.ts';

const at = (n: number) => new Date(Date.UTC(2025, 0, 1, 8, 0, n)).toISOString();
const fresh = (): Order =>
  placeOrder({
    id: '0194a000-0000-7000-8000-000000000001',
    customerId: '0194a000-0000-7000-8000-000000000002',
    items: [
      { itemId: '0194a000-0000-7000-8000-000000000003', name: 'Latte', quantity: 2, unitPriceCents: 350 },
      { itemId: '0194a000-0000-7000-8000-000000000004', name: 'Scone', quantity: 1, unitPriceCents: 275 },
    ],
    at: at(0),
  });

function walk(order: Order, ...steps: [OrderStatus, (string | null)?][]): Order {
  let o = order;
  steps.forEach(([to, reason], i) => {
    const r = transition(o, to, at(i + 1), (reason ?? null) as never);
    if (!r.ok) throw new Error(r.refusal);
    o = r.order;
  });
  return o;
}

describe('Order aggregate', () => {
  it('is placed PENDING with its total and a first history entry', () => {
    const o = fresh();
    expect(o).toMatchObject({ status: 'PENDING', reason: null, totalCents: 975 });
    expect(o.history).toEqual([{ status: 'PENDING', at: at(0) }]);
  });

  it('walks the happy path and records every status', () => {
    const o = walk(fresh(), ['PAID'], ['PREPARING'], ['READY'], ['COMPLETED']);
    expect(o.history.map((h) => h.status)).toEqual(['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED']);
  });

  it('refuses illegal moves and wrong reasons', () => {
    expect(transition(fresh(), 'READY', at(1))).toMatchObject({ ok: false });
    expect(transition(fresh(), 'COMPLETED', at(1))).toMatchObject({ ok: false });
    expect(transition(fresh(), 'REJECTED', at(1))).toMatchObject({ ok: false }); // needs payment_declined
    expect(transition(fresh(), 'CANCELLED', at(1), 'out_of_stock')).toMatchObject({ ok: false });
    const preparing = walk(fresh(), ['PAID'], ['PREPARING']);
    expect(transition(preparing, 'CANCELLED', at(9), 'customer_cancelled')).toMatchObject({ ok: false });
    expect(transition(preparing, 'CANCELLED', at(9), 'out_of_stock')).toMatchObject({ ok: true });
    const done = walk(fresh(), ['PAID'], ['PREPARING'], ['READY'], ['COMPLETED']);
    for (const to of ['PENDING', 'PAID', 'CANCELLED', 'REJECTED'] as const) expect(canMove(done.status, to, 'customer_cancelled')).toBe(false);
    const rejected = walk(fresh(), ['REJECTED', 'payment_declined']);
    expect(rejected.reason).toBe('payment_declined');
    expect(transition(rejected, 'PAID', at(5))).toMatchObject({ ok: false });
  });

  it('advances through skipped statuses when ticket events arrive out of order, and ignores stale ones', () => {
    const paid = walk(fresh(), ['PAID']);
    const ready = advanceTo(paid, 'READY', at(5));
    expect(ready.passed).toEqual(['PREPARING', 'READY']);
    expect(ready.order.history.map((h) => h.status)).toEqual(['PENDING', 'PAID', 'PREPARING', 'READY']);
    expect(advanceTo(ready.order, 'PREPARING', at(6)).passed).toEqual([]);
    expect(advanceTo(fresh(), 'PREPARING', at(6)).passed).toEqual([]);
    const cancelled = walk(fresh(), ['PAID'], ['CANCELLED', 'out_of_stock']);
    expect(advanceTo(cancelled, 'COMPLETED', at(7)).passed).toEqual([]);
  });

  it('lets the customer cancel only before preparation', () => {
    expect(customerMayCancel(fresh()).ok).toBe(true);
    expect(customerMayCancel(walk(fresh(), ['PAID'])).ok).toBe(true);
    expect(customerMayCancel(walk(fresh(), ['PAID'], ['PREPARING'])).ok).toBe(false);
    expect(customerMayCancel(walk(fresh(), ['REJECTED', 'payment_declined'])).ok).toBe(false);
  });
});
