import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../src/shared/testing/scenario.ts';
import type { AppProcess } from '../multi-instance/processes.ts';
import { startServices, type Services } from './support.ts';

const ready = Boolean(process.env['DATABASE_URL'] && process.env['REDIS_URL']);
if (!ready) console.warn('services.test.ts skipped: set DATABASE_URL and REDIS_URL to run the café as three processes');

const rand = () => Math.random().toString(36).slice(2, 10);

/**
 * The café split into three real processes (gateway: identity, catalog, ordering, reviews,
 * storefront; payments, twice; fulfillment), talked to through the gateway's port only.
 */
describe.skipIf(!ready)('the café as services', () => {
  let s: Services;
  let api: AppProcess;
  let admin: string;
  let barista: string;
  let item: { id: string };

  const login = async (email: string, password: string) => {
    const res = await api.request('/api/identity/login', { body: { email, password } });
    expect(res.status).toBe(200);
    return res.body.accessToken as string;
  };
  const customer = async (cents: number) => {
    const email = `c-${rand()}@cafe.test`;
    expect((await api.request('/api/identity/register', { body: { email, password: 'correct-horse', displayName: 'C' } })).status).toBe(201);
    const token = await login(email, 'correct-horse');
    if (cents > 0) {
      const deposit = await api.request('/api/payments/wallet/deposits', { body: { amountCents: cents }, token });
      expect(deposit).toMatchObject({ status: 201, body: { balanceCents: cents } });
    }
    return token;
  };
  const place = async (token: string) => {
    const res = await api.request('/api/orders', { body: { items: [{ itemId: item.id, quantity: 2 }] }, token });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const reaches = (token: string, id: string, status: string, within = 20_000) =>
    eventually(async () => (await api.request(`/api/orders/${id}`, { token })).body, (o) => o?.status === status, { within, interval: 100 });
  const ticketOf = (orderId: string) =>
    eventually(
      async () => ((await api.request('/api/fulfillment/tickets', { token: barista })).body as { id: string; orderId: string }[]).find((t) => t.orderId === orderId),
      (t) => t !== undefined,
      { within: 20_000, interval: 100 },
    );
  const walletOf = async (token: string) => (await api.request('/api/payments/wallet', { token })).body as { balanceCents: number; history: { type: string; orderId?: string }[] };

  beforeAll(async () => {
    s = await startServices({ secondPayments: true });
    api = s.gateway;
    admin = await login('admin@cafe.test', 'admin-password');
    const email = `b-${rand()}@cafe.test`;
    expect((await api.request('/api/identity/users', { body: { email, password: 'barista-pass', displayName: 'B', role: 'barista' }, token: admin })).status).toBe(201);
    barista = await login(email, 'barista-pass');
    item = (await api.request('/api/catalog/items', { body: { name: 'Flat white', priceCents: 350 }, token: admin })).body;
  }, 240_000);
  afterAll(() => s?.stop(), 60_000);

  it('runs an order to COMPLETED over the network, charged once', async () => {
    const token = await customer(1000);
    const id = await place(token);
    await reaches(token, id, 'PAID');
    const ticket = await ticketOf(id);
    for (const step of ['start', 'ready', 'handover']) {
      expect((await api.request(`/api/fulfillment/tickets/${ticket!.id}/${step}`, { method: 'POST', token: barista })).status).toBe(200);
    }
    await reaches(token, id, 'COMPLETED');
    const w = await walletOf(token);
    expect(w.balanceCents).toBe(300);
    expect(w.history.filter((h) => h.type === 'charged' && h.orderId === id)).toHaveLength(1);
  });

  it('declines an order the wallet cannot pay', async () => {
    const token = await customer(100);
    const id = await place(token);
    expect(await reaches(token, id, 'REJECTED')).toMatchObject({ reason: 'payment_declined' });
  });

  it("refunds a ticket the barista rejects", async () => {
    const token = await customer(1000);
    const id = await place(token);
    await reaches(token, id, 'PAID');
    const ticket = await ticketOf(id);
    expect((await api.request(`/api/fulfillment/tickets/${ticket!.id}/reject`, { body: { reason: 'out of oat milk' }, token: barista })).status).toBe(200);
    expect(await reaches(token, id, 'CANCELLED')).toMatchObject({ reason: 'out_of_stock' });
    await eventually(() => walletOf(token), (w) => w.balanceCents === 1000, { within: 20_000 });
  });

  it('refunds a customer who cancels before preparation', async () => {
    const token = await customer(1000);
    const id = await place(token);
    await reaches(token, id, 'PAID');
    const cancel = await api.request(`/api/orders/${id}/cancel`, { method: 'POST', token });
    expect([200, 202]).toContain(cancel.status);
    expect(await reaches(token, id, 'CANCELLED')).toMatchObject({ reason: 'customer_cancelled' });
    await eventually(() => walletOf(token), (w) => w.balanceCents === 1000, { within: 20_000 });
  });

  it('keeps orders PENDING while payments is down, opens the breaker, and completes them once it is back', async () => {
    const token = await customer(2000);
    await Promise.all([s.payments.kill(), s.secondPayments!.kill()]);
    const waiting = [await place(token), await place(token)];
    // The proxied wallet route answers a documented 503, never a 5xx of another kind.
    const down = await api.request('/api/payments/wallet', { token });
    expect(down.status).toBe(503);
    const readiness = await eventually(
      async () => (await fetch(`${api.url}/health/ready`)).json() as Promise<{ checks: Record<string, { detail?: string }> }>,
      (r) => /breaker open/.test(r.checks['remote:payments']?.detail ?? ''),
      { within: 20_000, interval: 200 },
    );
    expect(readiness.checks['remote:payments']!.detail).toMatch(/0\/2 instances healthy/);
    expect(await (await fetch(`${api.url}/metrics`)).text()).toMatch(/remote_breaker_state\{module="payments"\} 1/);
    for (const id of waiting) expect((await api.request(`/api/orders/${id}`, { token })).body.status).toBe('PENDING');

    s.payments = await s.start('payments');
    s.secondPayments = await s.start('payments', { PORT: String(s.ports.secondPayments) });
    for (const id of waiting) await reaches(token, id, 'PAID', 30_000);
    const w = await walletOf(token);
    expect(w.balanceCents).toBe(2000 - 2 * 700);
    for (const id of waiting) expect(w.history.filter((h) => h.type === 'charged' && h.orderId === id)).toHaveLength(1);
    // Two process starts and the saga's retries: on a loaded machine this outlasts the default 30 s.
  }, 120_000);

  it('balances over two payments instances and keeps going when one dies', async () => {
    const token = await customer(0);
    const internalCalls = (p: AppProcess) => p.output.join('').split('\n').filter((l) => l.includes('"path":"/internal/payments/')).length;
    const before = [internalCalls(s.payments), internalCalls(s.secondPayments!)];
    for (let i = 0; i < 6; i++) expect((await api.request('/api/payments/wallet/deposits', { body: { amountCents: 10 }, token })).status).toBe(201);
    for (let i = 0; i < 6; i++) await reaches(token, await place(token), 'REJECTED');
    const after = [internalCalls(s.payments), internalCalls(s.secondPayments!)];
    expect(after[0]! - before[0]!).toBeGreaterThan(0);
    expect(after[1]! - before[1]!).toBeGreaterThan(0);

    await s.secondPayments!.kill();
    for (let i = 0; i < 6; i++) expect((await api.request('/api/payments/wallet/deposits', { body: { amountCents: 10 }, token })).status).toBe(201);
    expect((await walletOf(token)).balanceCents).toBe(120);
  });

  it('refuses internal routes without a service token for that module, through the gateway too', async () => {
    const user = await customer(0);
    const call = (base: string, path: string, token?: string) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: '{"customerId":"00000000-0000-4000-8000-000000000000"}' });
    expect((await call(s.payments.url, '/internal/payments/balance')).status).toBe(401);
    expect((await call(s.payments.url, '/internal/payments/balance', user)).status).toBe(401);
    expect((await call(api.url, '/internal/payments/balance', user)).status).toBe(401);
    expect((await call(api.url, '/api/payments/../internal/payments/balance', user)).status).not.toBe(200);
  });
});
