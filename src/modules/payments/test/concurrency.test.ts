import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { paymentsApi, WalletCharged } from '../index.ts';
import { foldStored, newId, outboxCount, storedStream } from './support.ts';

describe('payments under concurrent charges', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it('charges exactly as many orders as the wallet can pay and never overdraws', async () => {
    const api = app.kernel.api(paymentsApi);
    const customer = await app.signUp();
    expect((await app.http.post('/api/payments/wallet/deposits', { amountCents: 20 * 150 }, customer.token)).status).toBe(201);

    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 50 }, () => api.charge({ customerId: customer.id, orderId: newId(), amountCents: 150 })));
    const elapsedMs = Math.round(performance.now() - started);

    const charged = answers.filter((a) => a.outcome === 'charged');
    const declined = answers.filter((a) => a.outcome === 'declined');
    expect(charged).toHaveLength(20);
    expect(declined).toHaveLength(30);
    for (const a of answers) expect(a.balanceCents).toBeGreaterThanOrEqual(0);
    // Each winner saw a different balance after its charge: they were applied one after another.
    expect(new Set(charged.map((a) => a.balanceCents)).size).toBe(20);

    // The stored stream tells the same story: contiguous versions, running balance never below zero.
    const stream = await storedStream(app, customer.id);
    expect(stream.map((e) => e.version)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    let running = 0;
    for (const e of stream) {
      running += e.type === 'charged' ? -e.amountCents : e.amountCents;
      expect(running).toBeGreaterThanOrEqual(0);
    }
    expect(foldStored(stream).balanceCents).toBe(0);
    expect(await api.balance({ customerId: customer.id })).toEqual({ balanceCents: 0 });
    expect(await outboxCount(app, WalletCharged.type, customer.id)).toBe(20);
    console.info(`50 concurrent charges (${app.kernel.db.kind}): ${elapsedMs} ms`);
  });

  it('keeps concurrent deposits and charges consistent', async () => {
    const api = app.kernel.api(paymentsApi);
    const customer = await app.signUp();
    const work = [
      ...Array.from({ length: 15 }, () => app.http.post('/api/payments/wallet/deposits', { amountCents: 100 }, customer.token).then((r) => r.status)),
      ...Array.from({ length: 15 }, () => api.charge({ customerId: customer.id, orderId: newId(), amountCents: 100 }).then((r) => r.outcome)),
    ];
    const results = await Promise.all(work);
    expect(results.slice(0, 15).every((s) => s === 201)).toBe(true);
    const chargedCount = results.slice(15).filter((o) => o === 'charged').length;
    const stream = await storedStream(app, customer.id);
    expect(stream).toHaveLength(15 + chargedCount);
    expect(foldStored(stream).balanceCents).toBe(1500 - 100 * chargedCount);
    expect((await app.http.get('/api/payments/wallet', customer.token)).body.balanceCents).toBe(1500 - 100 * chargedCount);
  });
});
