import { describe, expect, it } from 'vitest';
import { advanceTo, canMove, customerMayCancel, placeOrder, TERMINAL, totalOf, transition, type Order, type OrderStatus } from '../domain/order.ts';

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

  it('lets the customer cancel only before preparation, and says why not', () => {
    expect(customerMayCancel(fresh())).toEqual({ ok: true });
    expect(customerMayCancel(walk(fresh(), ['PAID']))).toEqual({ ok: true });
    expect(customerMayCancel(walk(fresh(), ['PAID'], ['PREPARING']))).toEqual({ ok: false, refusal: { reason: 'preparation-started' } });
    expect(customerMayCancel(walk(fresh(), ['PAID'], ['PREPARING'], ['READY']))).toEqual({ ok: false, refusal: { reason: 'preparation-started' } });
    expect(customerMayCancel(walk(fresh(), ['REJECTED', 'payment_declined']))).toEqual({ ok: false, refusal: { reason: 'already-settled', status: 'REJECTED' } });
    expect(customerMayCancel(walk(fresh(), ['CANCELLED', 'customer_cancelled']))).toEqual({ ok: false, refusal: { reason: 'already-settled', status: 'CANCELLED' } });
    const completed = walk(fresh(), ['PAID'], ['PREPARING'], ['READY'], ['COMPLETED']);
    expect(customerMayCancel(completed)).toEqual({ ok: false, refusal: { reason: 'already-settled', status: 'COMPLETED' } });
  });

  it('needs at least one line, and totals quantity times unit price', () => {
    expect(() => placeOrder({ id: 'x', customerId: 'y', items: [], at: at(0) })).toThrow(/at least one line/);
    expect(totalOf([])).toBe(0);
    expect(totalOf([{ itemId: 'a', name: 'Espresso', quantity: 3, unitPriceCents: 250 }])).toBe(750);
    expect(placeOrder({ id: 'x', customerId: 'y', items: [{ itemId: 'a', name: 'Water', quantity: 2, unitPriceCents: 0 }], at: at(0) }).totalCents).toBe(0);
  });

  it('knows exactly which moves are legal, with which reasons', () => {
    const legal: [OrderStatus, OrderStatus, (string | null)[]][] = [
      ['PENDING', 'PAID', [null]],
      ['PENDING', 'REJECTED', ['payment_declined']],
      ['PENDING', 'CANCELLED', ['customer_cancelled']],
      ['PAID', 'PREPARING', [null]],
      ['PAID', 'CANCELLED', ['customer_cancelled', 'out_of_stock']],
      ['PREPARING', 'READY', [null]],
      ['PREPARING', 'CANCELLED', ['out_of_stock']],
      ['READY', 'COMPLETED', [null]],
    ];
    const statuses: OrderStatus[] = ['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED', 'REJECTED', 'CANCELLED'];
    const reasons = [null, 'payment_declined', 'out_of_stock', 'customer_cancelled'] as const;
    for (const from of statuses) {
      for (const to of statuses) {
        for (const reason of reasons) {
          const allowed = legal.some(([f, t, rs]) => f === from && t === to && rs.includes(reason));
          expect(canMove(from, to, reason), `${from} -> ${to} (${reason})`).toBe(allowed);
        }
      }
    }
    expect(canMove('PENDING', 'PAID')).toBe(true);
    expect(canMove('PENDING', 'REJECTED')).toBe(false);
  });

  it('records the move with its reason and time, and words a refusal', () => {
    const moved = transition(fresh(), 'REJECTED', at(3), 'payment_declined');
    expect(moved).toEqual({ ok: true, order: { ...fresh(), status: 'REJECTED', reason: 'payment_declined', history: [{ status: 'PENDING', at: at(0) }, { status: 'REJECTED', at: at(3) }] } });
    expect(transition(fresh(), 'READY', at(1))).toEqual({ ok: false, refusal: 'An order cannot go from PENDING to READY' });
    expect(transition(fresh(), 'CANCELLED', at(1), 'out_of_stock')).toEqual({ ok: false, refusal: 'An order cannot go from PENDING to CANCELLED (out_of_stock)' });
  });

  it('walks the whole preparation path at once, and not from PENDING or past the target', () => {
    const paid = walk(fresh(), ['PAID']);
    const done = advanceTo(paid, 'COMPLETED', at(9));
    expect(done.passed).toEqual(['PREPARING', 'READY', 'COMPLETED']);
    expect(done.order.history.slice(2)).toEqual([
      { status: 'PREPARING', at: at(9) },
      { status: 'READY', at: at(9) },
      { status: 'COMPLETED', at: at(9) },
    ]);
    const preparing = advanceTo(paid, 'PREPARING', at(9));
    expect(preparing.passed).toEqual(['PREPARING']);
    expect(preparing.order.status).toBe('PREPARING');
    expect(advanceTo(preparing.order, 'PREPARING', at(10))).toEqual({ order: preparing.order, passed: [] });
    expect(advanceTo(fresh(), 'COMPLETED', at(9))).toEqual({ order: fresh(), passed: [] });
  });

  it('counts COMPLETED, REJECTED and CANCELLED as settled for good', () => {
    expect([...TERMINAL].sort()).toEqual(['CANCELLED', 'COMPLETED', 'REJECTED']);
  });
});
