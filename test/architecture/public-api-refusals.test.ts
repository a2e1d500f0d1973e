import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { catalogApi } from '../../src/modules/catalog/index.ts';
import { paymentsApi } from '../../src/modules/payments/index.ts';
import { Problem } from '../../src/shared/errors.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Plain data: what survives JSON unchanged, with no class behind any object in it. */
function expectPlain(value: unknown): void {
  expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(v));
    for (const child of Object.values(v)) visit(child);
  };
  visit(value);
}

/** What a refused call threw, checked for anything HTTP-shaped. */
async function thrownBy(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(Problem);
  expect(error).not.toHaveProperty('status');
  expect(error).not.toHaveProperty('headers');
  return error as Error;
}

describe('refusals cross public APIs as data, never as HTTP problems (design rule 2)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('payments: a declined charge is an answer; a refund of nothing is an answer; bad input is no Problem', async () => {
    const payments = app.kernel.api(paymentsApi);
    const customerId = uuidv7();
    const declined = await payments.charge({ customerId, orderId: uuidv7(), amountCents: 500 });
    expect(declined).toEqual({ outcome: 'declined', reason: 'insufficient_funds', balanceCents: 0 });
    expectPlain(declined);
    const nothing = await payments.refund({ customerId, orderId: uuidv7() });
    expect(nothing).toEqual({ outcome: 'nothing_to_refund', amountCents: 0, balanceCents: 0 });
    expectPlain(nothing);
    await thrownBy(payments.charge({ customerId, orderId: uuidv7(), amountCents: -5 }));
    await thrownBy(payments.charge({ customerId, orderId: 'not-an-id', amountCents: 5 }));
  });

  it('catalog: an unknown item is null or absent; bad input is no Problem', async () => {
    const catalog = app.kernel.api(catalogApi);
    const missing = await catalog.getItem({ id: uuidv7() });
    expect(missing).toBeNull();
    const none = await catalog.getItems({ ids: [uuidv7(), uuidv7()] });
    expect(none).toEqual([]);
    expectPlain(await catalog.listItems({}));
    await thrownBy(catalog.getItem({ id: 'not-an-id' }));
    await thrownBy(catalog.getItems({ ids: Array.from({ length: 501 }, () => uuidv7()) }));
  });
});
