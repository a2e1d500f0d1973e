import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { startServices, type Services } from '../services/support.ts';
import { startCollector } from './collector.ts';
import { Trace } from './trace-tree.ts';

const ready = Boolean(process.env['DATABASE_URL'] && process.env['REDIS_URL']);
if (!ready) console.warn('services-trace.test.ts skipped: set DATABASE_URL and REDIS_URL to run the café as three processes');

const rand = () => Math.random().toString(36).slice(2, 10);

/**
 * The café as three processes, each exporting its spans over OTLP/HTTP JSON to a collector the
 * test runs: the order's one trace is put together from all three.
 */
describe.skipIf(!ready)('one trace across processes', () => {
  let s: Services;
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
    s = await startServices({
      extra: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
  }, 240_000);
  afterAll(async () => {
    await s?.stop();
    await collector?.stop();
  }, 60_000);

  it('collects the order from the gateway, payments and fulfillment as one trace', async () => {
    const api = s.gateway;
    const login = async (email: string, password: string) => (await api.request('/api/identity/login', { body: { email, password } })).body.accessToken as string;
    const admin = await login('admin@cafe.test', 'admin-password');
    const baristaEmail = `b-${rand()}@cafe.test`;
    expect((await api.request('/api/identity/users', { body: { email: baristaEmail, password: 'barista-pass', displayName: 'B', role: 'barista' }, token: admin })).status).toBe(201);
    const barista = await login(baristaEmail, 'barista-pass');
    const item = (await api.request('/api/catalog/items', { body: { name: 'Flat white', priceCents: 350 }, token: admin })).body as { id: string };
    const email = `c-${rand()}@cafe.test`;
    expect((await api.request('/api/identity/register', { body: { email, password: 'correct-horse', displayName: 'C' } })).status).toBe(201);
    const customer = await login(email, 'correct-horse');
    // The gateway may not have seen payments healthy yet: the first deposit waits for it.
    const deposit = await eventually(() => api.request('/api/payments/wallet/deposits', { body: { amountCents: 1000 }, token: customer }), (r) => r.status !== 503, { within: 10_000, interval: 200 });
    expect(deposit.status, s.payments.output.join('').slice(-3000) + s.gateway.output.join('').slice(-3000)).toBe(201);

    const placed = await api.request('/api/orders', { body: { items: [{ itemId: item.id, quantity: 1 }] }, token: customer });
    expect(placed.status).toBe(202);
    const orderId = placed.body.id as string;
    const ticket = await eventually(
      async () => ((await api.request('/api/fulfillment/tickets', { token: barista })).body as { id: string; orderId: string }[]).find((t) => t.orderId === orderId),
      (t) => t !== undefined,
      { within: 20_000, interval: 100 },
    );
    expect((await api.request(`/api/fulfillment/tickets/${ticket!.id}/start`, { method: 'POST', token: barista })).status).toBe(200);

    const request = await eventually(
      async () => collector.spans.find((sp) => sp.name === 'POST /api/orders' && sp.kind === 1),
      (sp) => sp !== undefined,
      { within: 20_000, interval: 100 },
    );
    const trace = await eventually(
      async () => Trace.of(collector.spans, request!.traceId),
      (t) => t.named('handle ordering.mirror-ticket-started').length > 0 && t.named('handle fulfillment.open-ticket').length > 0 && t.named('handle storefront.order-status').length >= 3,
      { within: 20_000, interval: 100 },
    );

    expect(collector.refused).toEqual([]);
    expect(trace.orphans()).toEqual([]);
    expect(trace.roots().map((sp) => sp.name)).toEqual(['POST /api/orders']);
    expect(new Set(trace.spans.map((sp) => sp.service))).toEqual(new Set(['cafe-identity+catalog+ordering+reviews+storefront', 'cafe-payments', 'cafe-fulfillment']));

    // The charge: the gateway's CLIENT span, payments' SERVER span for the internal route beneath it, payments' own work beneath that.
    const [client] = trace.named('payments/charge', (sp) => sp.kind === 2);
    expect(client?.service).toBe('cafe-identity+catalog+ordering+reviews+storefront');
    const server = trace.named('POST /internal/:module/:method', (sp) => sp.parentId === client!.spanId);
    expect(server.map((sp) => sp.service)).toEqual(['cafe-payments']);
    expect(trace.named('payments transaction', (sp) => trace.path(sp).includes('POST /internal/:module/:method'))).toHaveLength(1);

    // The ticket opens in fulfillment's process from order-paid, which crossed Redis in its job's envelope.
    const [opened] = trace.named('handle fulfillment.open-ticket');
    expect(opened?.service).toBe('cafe-fulfillment');
    expect(trace.path(opened!)).toContain('ordering saga charge');
    const [mirror] = trace.named('handle ordering.mirror-ticket-started');
    expect(mirror?.service).toBe('cafe-identity+catalog+ordering+reviews+storefront');
    expect(trace.path(mirror!)).toContain('fulfillment ticket start');
  });
});
