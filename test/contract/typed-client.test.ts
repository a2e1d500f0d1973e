import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createCafeClient, type CafeClient, type operations, type Problem } from '../../clients/typescript/index.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { ADMIN, startTestApp, type TestApp } from '../support/test-app.ts';

/** The generated client's whole café: its calls travel through the suites' contract-checked fetch. */
describe('the generated TypeScript client drives a whole order', () => {
  let app: TestApp;
  let cafe: CafeClient;
  beforeAll(async () => {
    app = await startTestApp();
    cafe = createCafeClient({ baseUrl: 'http://cafe.test', fetch: (request) => app.http.fetch(request) });
  });
  afterAll(() => app?.stop());

  const logIn = async (email: string, password: string) => {
    const { data, error } = await cafe.POST('/api/identity/login', { body: { email, password } });
    if (!data) throw new Error(`login failed: ${JSON.stringify(error)}`);
    return data.accessToken;
  };

  it('register, deposit, order, barista steps, review', async () => {
    const admin = await logIn(ADMIN.email, ADMIN.password);
    const item = await cafe.POST('/api/catalog/items', { headers: bearer(admin), body: { name: 'Flat white', priceCents: 420 } });
    expect(item.response.status).toBe(201);
    const itemId = item.data!.id;

    const baristaEmail = `barista-${Date.now()}@cafe.test`;
    const staff = await cafe.POST('/api/identity/users', { headers: bearer(admin), body: { email: baristaEmail, password: 'correct-horse', displayName: 'Bo', role: 'barista' } });
    expect(staff.data?.role).toBe('barista');
    const barista = await logIn(baristaEmail, 'correct-horse');

    const email = `client-${Date.now()}@cafe.test`;
    const registered = await cafe.POST('/api/identity/register', { body: { email, password: 'correct-horse', displayName: 'Ada' } });
    expect(registered.data).toMatchObject({ email, role: 'customer' });
    const customer = await logIn(email, 'correct-horse');

    const deposit = await cafe.POST('/api/payments/wallet/deposits', { headers: bearer(customer), body: { amountCents: 1000 } });
    expect(deposit.data).toEqual({ balanceCents: 1000 });

    const placed = await cafe.POST('/api/orders', {
      headers: { ...bearer(customer) },
      params: { header: { 'idempotency-key': `client-${Date.now()}` } },
      body: { items: [{ itemId, quantity: 2 }] },
    });
    expect(placed.response.status).toBe(202);
    expect(placed.data).toMatchObject({ status: 'PENDING', totalCents: 840 });
    const orderId = placed.data!.id;

    const order = () => cafe.GET('/api/orders/{id}', { headers: bearer(customer), params: { path: { id: orderId } } }).then((r) => r.data);
    await eventually(order, (o) => o?.status === 'PAID', { within: 10_000 });

    const ticket = await eventually(
      async () => (await cafe.GET('/api/fulfillment/tickets', { headers: bearer(barista), params: { query: { status: 'QUEUED' } } })).data?.find((t) => t.orderId === orderId),
      (t) => t !== undefined,
      { within: 10_000 },
    );
    const path = { id: ticket!.id };
    expect((await cafe.POST('/api/fulfillment/tickets/{id}/start', { headers: bearer(barista), params: { path } })).data?.status).toBe('PREPARING');
    expect((await cafe.POST('/api/fulfillment/tickets/{id}/ready', { headers: bearer(barista), params: { path } })).data?.status).toBe('READY');
    expect((await cafe.POST('/api/fulfillment/tickets/{id}/handover', { headers: bearer(barista), params: { path } })).data?.status).toBe('HANDED_OVER');
    const done = await eventually(order, (o) => o?.status === 'COMPLETED', { within: 10_000 });
    expect(done!.history.map((h) => h.status)).toEqual(['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED']);

    const review = await eventually(
      () => cafe.POST('/api/reviews', { headers: bearer(customer), body: { orderId, itemId, rating: 5, text: 'Silky' } }),
      (r) => r.response.status === 201,
      { within: 10_000 },
    );
    expect(review.data).toMatchObject({ orderId, itemId, rating: 5 });
    const wallet = await cafe.GET('/api/payments/wallet', { headers: bearer(customer) });
    expect(wallet.data?.balanceCents).toBe(160);
  });

  it('gives typed Problem bodies on refusals', async () => {
    const admin = await logIn(ADMIN.email, ADMIN.password);
    const refused = await cafe.POST('/api/orders', { headers: bearer(admin), body: { items: [] } });
    expect(refused.response.status).toBe(403);
    const problem: Problem | undefined = refused.error;
    expect(problem?.type).toBe('https://cafe.example/problems/forbidden');

    const invalid = await cafe.POST('/api/identity/register', { body: { email: 'ada@cafe', password: 'short', displayName: '' } });
    const errors: operations['registerCustomer']['responses'][400]['content']['application/problem+json']['errors'] = invalid.error?.errors;
    expect(errors?.map((e) => e.field).sort()).toEqual(['displayName', 'email', 'password']);
    expect(errors?.every((e) => e.location === 'body')).toBe(true);
  });
});
