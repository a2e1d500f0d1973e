import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createCafeClient, type CafeClient, type operations, type Problem } from '../../clients/typescript/index.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { ADMIN, type Http } from '../support/test-app.ts';

export interface CafeTarget {
  http: Http;
  stop(): Promise<void>;
}

/**
 * The public HTTP contract as a client sees it, written once and run against any café: the
 * monolith in this process, or the gateway of the café as services over the network. Every
 * answer passes through the contract-checked `Http` of test/support, so it must also be what the
 * served OpenAPI document declares; between them the tests call every operation of the document.
 */
export function describeCafeContract(title: string, open: () => Promise<CafeTarget>, within = 10_000): void {
  describe(title, () => {
    let target: CafeTarget;
    let http: Http;
    let cafe: CafeClient;
    beforeAll(async () => {
      target = await open();
      http = target.http;
      cafe = createCafeClient({ baseUrl: 'http://cafe.test', fetch: (request) => http.fetch(request) });
    }, 240_000);
    afterAll(() => target?.stop(), 60_000);

    const logIn = async (email: string, password: string) => {
      const { data, error } = await cafe.POST('/api/identity/login', { body: { email, password } });
      if (!data) throw new Error(`login failed: ${JSON.stringify(error)}`);
      return data.accessToken;
    };
    const unique = (what: string) => `${what}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@cafe.test`;
    const customer = async (cents: number) => {
      const email = unique('customer');
      expect((await http.post('/api/identity/register', { email, password: 'correct-horse', displayName: 'Ada' })).status).toBe(201);
      const token = await logIn(email, 'correct-horse');
      if (cents > 0) expect((await http.post('/api/payments/wallet/deposits', { amountCents: cents }, token)).status).toBe(201);
      return token;
    };
    const barista = async (admin: string) => {
      const email = unique('barista');
      expect((await http.post('/api/identity/users', { email, password: 'correct-horse', displayName: 'Bo', role: 'barista' }, admin)).status).toBe(201);
      return logIn(email, 'correct-horse');
    };
    const orderReaches = (token: string, id: string, status: string) =>
      eventually(async () => (await http.get(`/api/orders/${id}`, token)).body, (o) => o?.status === status, { within });
    const ticketOf = (token: string, orderId: string) =>
      eventually(
        async () => ((await http.get('/api/fulfillment/tickets', token)).body as { id: string; orderId: string }[]).find((t) => t.orderId === orderId),
        (t) => t !== undefined,
        { within },
      );

    it('register, deposit, order, barista steps, review', async () => {
      const admin = await logIn(ADMIN.email, ADMIN.password);
      const item = await cafe.POST('/api/catalog/items', { headers: bearer(admin), body: { name: 'Flat white', priceCents: 420 } });
      expect(item.response.status).toBe(201);
      const itemId = item.data!.id;

      const baristaEmail = unique('barista');
      const staff = await cafe.POST('/api/identity/users', { headers: bearer(admin), body: { email: baristaEmail, password: 'correct-horse', displayName: 'Bo', role: 'barista' } });
      expect(staff.data?.role).toBe('barista');
      const baristaToken = await logIn(baristaEmail, 'correct-horse');

      const email = unique('client');
      const registered = await cafe.POST('/api/identity/register', { body: { email, password: 'correct-horse', displayName: 'Ada' } });
      expect(registered.data).toMatchObject({ email, role: 'customer' });
      const customerToken = await logIn(email, 'correct-horse');

      const deposit = await cafe.POST('/api/payments/wallet/deposits', { headers: bearer(customerToken), body: { amountCents: 1000 } });
      // Status and body together, so a refusal shows its problem.
      expect({ status: deposit.response.status, body: deposit.data ?? deposit.error }).toEqual({ status: 201, body: { balanceCents: 1000 } });

      const placed = await cafe.POST('/api/orders', {
        headers: { ...bearer(customerToken) },
        params: { header: { 'idempotency-key': `client-${Date.now()}-${Math.random()}` } },
        body: { items: [{ itemId, quantity: 2 }] },
      });
      expect(placed.response.status).toBe(202);
      expect(placed.data).toMatchObject({ status: 'PENDING', totalCents: 840 });
      const orderId = placed.data!.id;

      const order = () => cafe.GET('/api/orders/{id}', { headers: bearer(customerToken), params: { path: { id: orderId } } }).then((r) => r.data);
      await eventually(order, (o) => o?.status === 'PAID', { within });

      const ticket = await eventually(
        async () => (await cafe.GET('/api/fulfillment/tickets', { headers: bearer(baristaToken), params: { query: { status: 'QUEUED' } } })).data?.find((t) => t.orderId === orderId),
        (t) => t !== undefined,
        { within },
      );
      const path = { id: ticket!.id };
      expect((await cafe.POST('/api/fulfillment/tickets/{id}/start', { headers: bearer(baristaToken), params: { path } })).data?.status).toBe('PREPARING');
      expect((await cafe.POST('/api/fulfillment/tickets/{id}/ready', { headers: bearer(baristaToken), params: { path } })).data?.status).toBe('READY');
      expect((await cafe.POST('/api/fulfillment/tickets/{id}/handover', { headers: bearer(baristaToken), params: { path } })).data?.status).toBe('HANDED_OVER');
      const done = await eventually(order, (o) => o?.status === 'COMPLETED', { within });
      expect(done!.history.map((h) => h.status)).toEqual(['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED']);

      const review = await eventually(
        () => cafe.POST('/api/reviews', { headers: bearer(customerToken), body: { orderId, itemId, rating: 5, text: 'Silky' } }),
        (r) => r.response.status === 201,
        { within },
      );
      expect(review.data).toMatchObject({ orderId, itemId, rating: 5 });
      const wallet = await cafe.GET('/api/payments/wallet', { headers: bearer(customerToken) });
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

    it('answers the sessions, menu, wallet and read-side operations as documented', async () => {
      const email = unique('session');
      expect((await http.post('/api/identity/register', { email, password: 'correct-horse', displayName: 'Cy' })).status).toBe(201);
      const pair = (await http.post('/api/identity/login', { email, password: 'correct-horse' })).body as { accessToken: string; refreshToken: string };
      expect((await http.get('/api/identity/me', pair.accessToken)).body).toMatchObject({ email, role: 'customer' });
      const renewed = await http.post('/api/identity/refresh', { refreshToken: pair.refreshToken });
      expect(renewed.status).toBe(200);
      expect((await http.post('/api/identity/logout', { refreshToken: renewed.body.refreshToken })).status).toBe(204);
      expect((await http.post('/api/identity/refresh', { refreshToken: renewed.body.refreshToken })).status).toBe(401);

      const admin = await logIn(ADMIN.email, ADMIN.password);
      const created = (await http.post('/api/catalog/items', { name: 'Cortado', priceCents: 300 }, admin)).body as { id: string };
      const read = await http.get(`/api/catalog/items/${created.id}`);
      expect(read.status).toBe(200);
      const changed = await http.patch(`/api/catalog/items/${created.id}`, { priceCents: 320 }, admin, { 'if-match': read.headers.get('etag')! });
      expect(changed).toMatchObject({ status: 200, body: { priceCents: 320 } });
      expect((await http.patch(`/api/catalog/items/${created.id}`, { priceCents: 330 }, admin, { 'if-match': read.headers.get('etag')! })).status).toBe(409);
      expect((await http.get(`/api/catalog/items/${crypto.randomUUID()}`)).status).toBe(404);
      expect(((await http.get('/api/catalog/items')).body as { id: string }[]).some((i) => i.id === created.id)).toBe(true);
      await eventually(async () => (await http.get('/api/storefront/menu')).body as { id: string; priceCents: number }[], (menu) => menu.some((e) => e.id === created.id && e.priceCents === 320), { within });

      const token = await customer(1000);
      const deposit = await http.post('/api/payments/wallet/deposits', { amountCents: -5 }, token);
      expect(deposit.status).toBe(400);
      expect(deposit.body.errors.map((e: { field: string }) => e.field)).toEqual(['amountCents']);
      const placed = await http.post('/api/orders', { items: [{ itemId: created.id, quantity: 1 }] }, token);
      expect(placed.status).toBe(202);
      await orderReaches(token, placed.body.id, 'PAID');
      expect(((await http.get('/api/orders', token)).body as { id: string }[]).map((o) => o.id)).toContain(placed.body.id);
      const cancelled = await http.post(`/api/orders/${placed.body.id}/cancel`, undefined, token);
      expect([200, 202]).toContain(cancelled.status);
      expect(await orderReaches(token, placed.body.id, 'CANCELLED')).toMatchObject({ reason: 'customer_cancelled' });
      await eventually(async () => (await http.get('/api/payments/wallet', token)).body, (w) => w.balanceCents === 1000, { within });
      await eventually(
        async () => (await http.get('/api/storefront/my-orders', token)).body as { orderId?: string; id?: string; status: string }[],
        (list) => list.some((o) => (o.orderId ?? o.id) === placed.body.id && o.status === 'CANCELLED'),
        { within },
      );
      expect((await http.get(`/api/reviews?itemId=${created.id}`)).status).toBe(200);
    });

    it('answers a ticket the barista rejects, the operator routes and the gateway as documented', async () => {
      const admin = await logIn(ADMIN.email, ADMIN.password);
      const staff = await barista(admin);
      const item = (await http.post('/api/catalog/items', { name: 'Macchiato', priceCents: 250 }, admin)).body as { id: string };
      const token = await customer(500);
      const placed = await http.post('/api/orders', { items: [{ itemId: item.id, quantity: 1 }] }, token);
      await orderReaches(token, placed.body.id, 'PAID');
      const ticket = await ticketOf(staff, placed.body.id);
      expect((await http.get('/api/fulfillment/tickets?status=SIMMERING', staff)).status).toBe(400);
      expect((await http.post(`/api/fulfillment/tickets/${ticket!.id}/reject`, { reason: 'out of beans' }, staff)).body.status).toBe('REJECTED');
      expect(await orderReaches(token, placed.body.id, 'CANCELLED')).toMatchObject({ reason: 'out_of_stock' });
      expect((await http.post(`/api/fulfillment/tickets/${ticket!.id}/start`, undefined, staff)).status).toBe(409);

      expect(Array.isArray((await http.get('/api/admin/dead-letters', admin)).body)).toBe(true);
      expect((await http.get('/api/admin/dead-letters', token)).status).toBe(403);
      expect((await http.post(`/api/admin/dead-letters/${crypto.randomUUID()}/fulfillment.open-ticket/replay`, undefined, admin)).status).toBe(404);

      expect((await http.get('/health/live')).status).toBe(200);
      expect((await http.get('/health/ready')).status).toBe(200);
      expect((await http.get('/metrics', admin)).status).toBe(200);
      expect(((await http.get('/.well-known/jwks.json')).body as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
      expect((await http.get('/openapi.json')).status).toBe(200);
      expect((await http.get('/docs')).status).toBe(200);
      expect((await http.get('/docs/assets/api-reference.js')).status).toBe(200);
      expect((await http.get('/api/nowhere')).status).toBe(404);
      const wrong = await http.raw('/api/orders', { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      expect(wrong.status).toBe(405);
    });
  });
}
