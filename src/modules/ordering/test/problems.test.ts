import { describe, expect, it } from 'vitest';
import { Problem } from '../../../shared/errors.ts';
import { refused, type OrderingRefusal } from '../domain/refusals.ts';
import { orRefuse, problemFor } from '../http/problems.ts';

/** The wire shape of each refusal is public: clients switch on status and `type`. */
describe("ordering's refusals over HTTP", () => {
  const cases: [OrderingRefusal, number, string, string][] = [
    [{ code: 'order-not-found' }, 404, 'not-found', 'Order not found'],
    [{ code: 'item-not-found', itemId: 'abc' }, 404, 'not-found', 'Item abc not found'],
    [{ code: 'item-unavailable', name: 'Seasonal pie' }, 422, 'item-unavailable', 'Seasonal pie is not available right now'],
    [{ code: 'idempotency-key-reused' }, 422, 'idempotency-key-reused', 'This Idempotency-Key was used with a different request body'],
    [{ code: 'not-your-order' }, 403, 'forbidden', 'This is not your order'],
    [{ code: 'not-the-customer' }, 403, 'forbidden', 'Only the customer who placed the order may cancel it'],
    [{ code: 'not-cancellable', reason: 'already-settled', status: 'COMPLETED' }, 409, 'order-not-cancellable', 'The order is already COMPLETED'],
    [{ code: 'not-cancellable', reason: 'preparation-started' }, 409, 'order-not-cancellable', 'Preparation has started; the order can no longer be cancelled'],
    [{ code: 'order-busy' }, 409, 'order-busy', 'The order keeps changing; try again'],
  ];
  for (const [refusal, status, type, detail] of cases) {
    it(`${refusal.code}${'reason' in refusal ? ` (${refusal.reason})` : ''}: ${status} ${type}`, () => {
      const problem = problemFor(refusal);
      expect(problem).toBeInstanceOf(Problem);
      expect({ status: problem.status, type: problem.type, detail: problem.message }).toEqual({ status, type, detail });
    });
  }

  it('passes an accepted outcome through and throws a refused one', () => {
    const accepted = { ok: true as const, value: 42 };
    expect(orRefuse(accepted)).toBe(accepted);
    expect(() => orRefuse({ ok: false, refusal: { code: 'order-busy' } })).toThrow(Problem);
    const busy = refused({ code: 'order-busy' });
    expect(busy).toEqual({ ok: false, refusal: { code: 'order-busy' } });
    expect(() => orRefuse(busy)).toThrow('The order keeps changing; try again');
  });
});
