import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../shared/api.ts';
import { scenario } from '../../../shared/testing/scenario.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { paymentsApi, WalletCharged, WalletRefunded } from '../index.ts';
import { foldStored, newId, outboxCount, storedStream } from './support.ts';

describe('payments', () => {
  let app: TestApp;
  let api: ApiClient<typeof paymentsApi>;
  beforeAll(async () => {
    app = await startTestApp();
    api = app.kernel.api(paymentsApi);
  });
  afterAll(() => app?.stop());

  /** A customer with money in the wallet, topped up through the public route. */
  async function customerWith(cents: number) {
    const customer = await app.signUp();
    if (cents > 0) expect((await app.http.post('/api/payments/wallet/deposits', { amountCents: cents }, customer.token)).status).toBe(201);
    return customer;
  }

  it('takes deposits and shows the balance with its history', async () => {
    const customer = await app.signUp();
    const empty = await app.http.get('/api/payments/wallet', customer.token);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ balanceCents: 0, history: [], next: null });

    const first = await app.http.post('/api/payments/wallet/deposits', { amountCents: 1500 }, customer.token);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ balanceCents: 1500 });
    const second = await app.http.post('/api/payments/wallet/deposits', { amountCents: 250 }, customer.token);
    expect(second.body).toEqual({ balanceCents: 1750 });

    const wallet = await app.http.get('/api/payments/wallet', customer.token);
    expect(wallet.body.balanceCents).toBe(1750);
    expect(wallet.body.history).toHaveLength(2);
    expect(wallet.body.history.map((h: { type: string; amountCents: number }) => [h.type, h.amountCents])).toEqual([
      ['deposited', 1500],
      ['deposited', 250],
    ]);
    expect(wallet.body.history[0].orderId).toBeUndefined();
    expect(Number.isNaN(Date.parse(wallet.body.history[0].at))).toBe(false);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 1750 });

    // Each caller sees only their own wallet.
    const other = await app.signUp('barista');
    expect((await app.http.get('/api/payments/wallet', other.token)).body).toEqual({ balanceCents: 0, history: [], next: null });
  });

  it('declines a charge it cannot cover, appending and publishing nothing', async () => {
    const customer = await customerWith(300);
    const result = await api.charge({ customerId: customer.id, orderId: newId(), amountCents: 301 });
    expect(result).toEqual({ outcome: 'declined', reason: 'insufficient_funds', balanceCents: 300 });
    expect((await storedStream(app, customer.id)).map((e) => e.type)).toEqual(['deposited']);
    expect(await outboxCount(app, WalletCharged.type, customer.id)).toBe(0);
    expect(await api.balance({ customerId: newId() })).toEqual({ balanceCents: 0 });
    expect(await api.charge({ customerId: newId(), orderId: newId(), amountCents: 1 })).toMatchObject({ outcome: 'declined', balanceCents: 0 });
  });

  it('charges an order once, publishing payments.wallet-charged in the same transaction', async () => {
    const customer = await customerWith(1000);
    const orderId = newId();
    const { result, event } = await scenario(app.kernel.bus)
      .when(() => api.charge({ customerId: customer.id, orderId, amountCents: 420 }))
      .expectEvent(WalletCharged, { where: (p) => p.orderId === orderId, within: 3000 });
    expect(result).toEqual({ outcome: 'charged', amountCents: 420, balanceCents: 580 });
    expect(event.payload).toEqual({ customerId: customer.id, orderId, amountCents: 420 });
    expect(event.source).toBe('payments');

    // The saga may retry: same answer, nothing appended, nothing published.
    expect(await api.charge({ customerId: customer.id, orderId, amountCents: 420 })).toEqual(result);
    expect(await api.charge({ customerId: customer.id, orderId, amountCents: 999 })).toEqual(result);
    expect(await storedStream(app, customer.id)).toHaveLength(2);
    expect(await outboxCount(app, WalletCharged.type, customer.id)).toBe(1);

    const wallet = await app.http.get('/api/payments/wallet', customer.token);
    expect(wallet.body.balanceCents).toBe(580);
    expect(wallet.body.history[1]).toMatchObject({ type: 'charged', amountCents: 420, orderId });
  });

  it('charges the same order once even when the charges race', async () => {
    const customer = await customerWith(1000);
    const orderId = newId();
    const answers = await Promise.all(Array.from({ length: 10 }, () => api.charge({ customerId: customer.id, orderId, amountCents: 100 })));
    for (const a of answers) expect(a).toEqual({ outcome: 'charged', amountCents: 100, balanceCents: 900 });
    expect((await storedStream(app, customer.id)).filter((e) => e.type === 'charged')).toHaveLength(1);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 900 });
  });

  it('refunds what was charged, once, restoring the balance and publishing payments.wallet-refunded', async () => {
    const customer = await customerWith(1000);
    const orderId = newId();
    await api.charge({ customerId: customer.id, orderId, amountCents: 370 });
    const neverCharged = newId();
    expect(await api.refund({ customerId: customer.id, orderId: neverCharged })).toEqual({ outcome: 'nothing_to_refund', amountCents: 0, balanceCents: 630 });

    const { result, event } = await scenario(app.kernel.bus)
      .when(() => api.refund({ customerId: customer.id, orderId }))
      .expectEvent(WalletRefunded, { where: (p) => p.orderId === orderId, within: 3000 });
    expect(result).toEqual({ outcome: 'refunded', amountCents: 370, balanceCents: 1000 });
    expect(event.payload).toEqual({ customerId: customer.id, orderId, amountCents: 370 });

    expect(await api.refund({ customerId: customer.id, orderId })).toEqual(result);
    // Charging a refunded order again does not take the money a second time.
    expect(await api.charge({ customerId: customer.id, orderId, amountCents: 370 })).toMatchObject({ outcome: 'charged', balanceCents: 1000 });
    const stream = await storedStream(app, customer.id);
    // The order refunded before it was charged left its tombstone: money-less, and not announced.
    expect(stream.map((e) => [e.type, e.amountCents, e.orderId])).toEqual([
      ['deposited', 1000, null],
      ['charged', 370, orderId],
      ['voided', 0, neverCharged],
      ['refunded', 370, orderId],
    ]);
    expect(foldStored(stream).balanceCents).toBe(1000);
    expect(await outboxCount(app, WalletRefunded.type, customer.id)).toBe(1);
    const statement = (await app.http.get('/api/payments/wallet', customer.token)).body;
    expect(statement.balanceCents).toBe(1000);
    expect(statement.history.map((h: { type: string }) => h.type)).toEqual(['deposited', 'charged', 'refunded']);
  });

  it('declines, as data and idempotently, a charge that lands after its order was refunded uncharged', async () => {
    const customer = await customerWith(1000);
    const orderId = newId();
    // The saga's charge timed out on its side; the customer cancelled; the refund found nothing.
    expect(await api.refund({ customerId: customer.id, orderId })).toEqual({ outcome: 'nothing_to_refund', amountCents: 0, balanceCents: 1000 });
    // Now the charge arrives, and again on a retry: refused both times, the balance untouched.
    const late = await Promise.all([1, 2, 3].map(() => api.charge({ customerId: customer.id, orderId, amountCents: 400 })));
    for (const answer of late) expect(answer).toEqual({ outcome: 'declined', reason: 'order_closed', balanceCents: 1000 });
    expect(await api.refund({ customerId: customer.id, orderId })).toEqual({ outcome: 'nothing_to_refund', amountCents: 0, balanceCents: 1000 });
    expect((await storedStream(app, customer.id)).map((e) => [e.type, e.orderId])).toEqual([
      ['deposited', null],
      ['voided', orderId],
    ]);
    expect(await outboxCount(app, WalletCharged.type, customer.id)).toBe(0);
    expect(await outboxCount(app, WalletRefunded.type, customer.id)).toBe(0);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 1000 });
    // Other orders are charged as before.
    expect(await api.charge({ customerId: customer.id, orderId: newId(), amountCents: 400 })).toMatchObject({ outcome: 'charged', balanceCents: 600 });
  });

  it('rejects bad input with 400 naming the field, and anonymous callers with 401', async () => {
    const customer = await app.signUp();
    for (const body of [{ amountCents: 0 }, { amountCents: -100 }, { amountCents: 12.5 }, { amountCents: '100' }, { amountCents: 10_000_001 }, {}]) {
      const res = await app.http.post('/api/payments/wallet/deposits', body, customer.token);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('amountCents');
    }
    const extra = await app.http.post('/api/payments/wallet/deposits', { amountCents: 100, customerId: newId() }, customer.token);
    expect(extra.status).toBe(400);
    const notJson = await app.http.raw('/api/payments/wallet/deposits', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${customer.token}` }, body: '{' });
    expect(notJson.status).toBe(400);

    expect((await app.http.post('/api/payments/wallet/deposits', { amountCents: 100 })).status).toBe(401);
    expect((await app.http.get('/api/payments/wallet')).status).toBe(401);
    expect((await app.http.get('/api/payments/wallet', 'not-a-token')).status).toBe(401);
    expect((await app.http.get('/api/payments/wallet', customer.token)).body).toEqual({ balanceCents: 0, history: [], next: null });

    // The public API validates too: a bad call never reaches the event store.
    await expect(api.charge({ customerId: customer.id, orderId: 'nope', amountCents: 1 })).rejects.toThrow();
    await expect(api.charge({ customerId: customer.id, orderId: newId(), amountCents: 0 })).rejects.toThrow();
    expect(await storedStream(app, customer.id)).toEqual([]);
  });
});
