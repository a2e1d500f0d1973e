import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../domain/order.ts';
import { FIRST_STEP, mirrorsProgress, needsCharge, nextStep, retryDelay, type SagaPosition } from '../domain/saga-steps.ts';

const owesCharge: SagaPosition = { step: 'charge', compensationReason: null };
const owesNothing: SagaPosition = { step: null, compensationReason: null };
const owesCustomerRefund: SagaPosition = { step: 'refund', compensationReason: 'customer_cancelled' };
const owesStockRefund: SagaPosition = { step: 'refund', compensationReason: 'out_of_stock' };
/** The refund of a charge that landed after the order was settled: no order to move. */
const owesLateRefund: SagaPosition = { step: 'refund', compensationReason: null };

const ALL: readonly OrderStatus[] = ['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED', 'REJECTED', 'CANCELLED'];

describe('the saga step rules', () => {
  it('a placed order owes its charge first', () => {
    expect(FIRST_STEP).toBe('charge');
  });

  describe('payments answers a charge', () => {
    it('charged while the charge is owed and the order waits: PAID, done, the charge recorded', () => {
      expect(nextStep(owesCharge, 'PENDING', 'charged')).toEqual({ next: { kind: 'done' }, order: { to: 'PAID', reason: null }, charged: true });
    });

    it('declined while the charge is owed and the order waits: REJECTED payment_declined, done, nothing recorded', () => {
      expect(nextStep(owesCharge, 'PENDING', 'declined')).toEqual({ next: { kind: 'done' }, order: { to: 'REJECTED', reason: 'payment_declined' }, charged: false });
    });

    it('charged after the order was settled and nothing is owed: the money is refunded, the order left alone', () => {
      for (const status of ALL) {
        expect(nextStep(owesNothing, status, 'charged'), status).toEqual({ next: { kind: 'refund', compensationReason: null }, charged: true });
      }
    });

    it('charged while a cancellation owes the refund: the refund stays owed (with its reason), the charge is recorded', () => {
      for (const saga of [owesCustomerRefund, owesStockRefund]) {
        expect(nextStep(saga, 'PENDING', 'charged')).toEqual({ next: { kind: 'unchanged' }, charged: true });
      }
    });

    it('declined after the order moved on changes nothing', () => {
      expect(nextStep(owesNothing, 'CANCELLED', 'declined')).toEqual({ next: { kind: 'unchanged' }, charged: false });
      expect(nextStep(owesCustomerRefund, 'PENDING', 'declined')).toEqual({ next: { kind: 'unchanged' }, charged: false });
    });

    it('an owed charge for an order that no longer waits does not move the order', () => {
      for (const status of ALL.filter((s) => s !== 'PENDING')) {
        expect(nextStep(owesCharge, status, 'charged'), status).toEqual({ next: { kind: 'unchanged' }, charged: true });
        expect(nextStep(owesCharge, status, 'declined'), status).toEqual({ next: { kind: 'unchanged' }, charged: false });
      }
    });
  });

  it('an order settled before its charge was asked: an owed charge is dropped, anything else stays', () => {
    expect(nextStep(owesCharge, 'CANCELLED', 'nothing-to-pay')).toEqual({ next: { kind: 'done' }, charged: false });
    expect(nextStep(owesCustomerRefund, 'PENDING', 'nothing-to-pay')).toEqual({ next: { kind: 'unchanged' }, charged: false });
    expect(nextStep(owesNothing, 'PAID', 'nothing-to-pay')).toEqual({ next: { kind: 'unchanged' }, charged: false });
  });

  describe('payments answers a refund', () => {
    for (const event of ['refunded', 'nothing-to-refund'] as const) {
      it(`${event}: the order is CANCELLED with the compensation's reason, and the saga is done`, () => {
        expect(nextStep(owesCustomerRefund, 'PENDING', event)).toEqual({ next: { kind: 'done' }, order: { to: 'CANCELLED', reason: 'customer_cancelled' }, charged: false });
        expect(nextStep(owesStockRefund, 'PREPARING', event)).toEqual({ next: { kind: 'done' }, order: { to: 'CANCELLED', reason: 'out_of_stock' }, charged: false });
      });

      it(`${event} for an order already CANCELLED, or with no reason to cancel it: done, the order left alone`, () => {
        expect(nextStep(owesCustomerRefund, 'CANCELLED', event)).toEqual({ next: { kind: 'done' }, charged: false });
        expect(nextStep(owesLateRefund, 'CANCELLED', event)).toEqual({ next: { kind: 'done' }, charged: false });
        expect(nextStep(owesLateRefund, 'REJECTED', event)).toEqual({ next: { kind: 'done' }, charged: false });
      });

      it(`${event} when the refund is no longer owed changes nothing`, () => {
        expect(nextStep(owesCharge, 'PENDING', event)).toEqual({ next: { kind: 'unchanged' }, charged: false });
        expect(nextStep(owesNothing, 'PAID', event)).toEqual({ next: { kind: 'unchanged' }, charged: false });
      });
    }
  });

  describe('the customer cancels', () => {
    it('owes the refund for customer_cancelled, whether the charge is still owed or done', () => {
      expect(nextStep(owesCharge, 'PENDING', 'customer-cancelled')).toEqual({ next: { kind: 'refund', compensationReason: 'customer_cancelled' }, charged: false });
      expect(nextStep(owesNothing, 'PAID', 'customer-cancelled')).toEqual({ next: { kind: 'refund', compensationReason: 'customer_cancelled' }, charged: false });
    });

    it("keeps an owed compensation's reason: the barista's rejection came first", () => {
      expect(nextStep(owesStockRefund, 'PAID', 'customer-cancelled')).toEqual({ next: { kind: 'refund', compensationReason: 'out_of_stock' }, charged: false });
      expect(nextStep(owesLateRefund, 'PENDING', 'customer-cancelled')).toEqual({ next: { kind: 'refund', compensationReason: null }, charged: false });
    });
  });

  describe('the barista rejects the ticket', () => {
    it('owes the refund for out_of_stock while the order is under way', () => {
      for (const status of ['PENDING', 'PAID', 'PREPARING', 'READY'] as const) {
        expect(nextStep(owesNothing, status, 'ticket-rejected'), status).toEqual({ next: { kind: 'refund', compensationReason: 'out_of_stock' }, charged: false });
      }
      expect(nextStep(owesCharge, 'PENDING', 'ticket-rejected').next).toEqual({ kind: 'refund', compensationReason: 'out_of_stock' });
    });

    it('changes nothing for a settled order or a compensation already owed', () => {
      for (const status of ['COMPLETED', 'REJECTED', 'CANCELLED'] as const) {
        expect(nextStep(owesNothing, status, 'ticket-rejected'), status).toEqual({ next: { kind: 'unchanged' }, charged: false });
      }
      expect(nextStep(owesCustomerRefund, 'PAID', 'ticket-rejected')).toEqual({ next: { kind: 'unchanged' }, charged: false });
    });
  });

  it('mirrors the barista’s progress unless a compensation is under way', () => {
    expect(mirrorsProgress(owesNothing)).toBe(true);
    expect(mirrorsProgress(owesCharge)).toBe(true);
    expect(mirrorsProgress(undefined)).toBe(true);
    expect(mirrorsProgress(owesCustomerRefund)).toBe(false);
    expect(mirrorsProgress(owesLateRefund)).toBe(false);
  });

  it('asks payments only for a total above zero', () => {
    expect(needsCharge(0)).toBe(false);
    expect(needsCharge(1)).toBe(true);
    expect(needsCharge(990)).toBe(true);
  });

  describe('the delay before a failed step is tried again', () => {
    const policy = { baseMs: 10, maxMs: 100_000_000 };
    const lowest = () => 0;
    const highest = () => 1;

    it('doubles per attempt from the base', () => {
      expect(retryDelay(policy, 0, highest)).toBe(10);
      expect(retryDelay(policy, 1, highest)).toBe(20);
      expect(retryDelay(policy, 3, highest)).toBe(80);
    });

    it('takes off up to a quarter at random, rounded to whole milliseconds', () => {
      expect(retryDelay(policy, 0, lowest)).toBe(8); // 7.5
      expect(retryDelay(policy, 2, lowest)).toBe(30);
      expect(retryDelay(policy, 2, () => 0.5)).toBe(35);
      for (let i = 0; i < 50; i++) {
        const d = retryDelay(policy, 2);
        expect(d).toBeGreaterThanOrEqual(30);
        expect(d).toBeLessThanOrEqual(40);
      }
    });

    it('stops doubling at the cap, and after twenty attempts', () => {
      expect(retryDelay({ baseMs: 1000, maxMs: 60_000 }, 10, highest)).toBe(60_000);
      expect(retryDelay({ baseMs: 1000, maxMs: 60_000 }, 5, highest)).toBe(32_000);
      expect(retryDelay({ baseMs: 1, maxMs: Number.MAX_SAFE_INTEGER }, 20, highest)).toBe(2 ** 20);
      expect(retryDelay({ baseMs: 1, maxMs: Number.MAX_SAFE_INTEGER }, 40, highest)).toBe(2 ** 20);
    });
  });
});
