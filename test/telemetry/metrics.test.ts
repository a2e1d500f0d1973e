import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentsApi } from '../../src/modules/payments/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { InstancePool } from '../../src/shared/remote/instances.ts';
import { RemoteModule } from '../../src/shared/remote/remote-module.ts';
import { ServiceTokens } from '../../src/shared/remote/service-tokens.ts';
import { loadSigningKey } from '../../src/shared/auth/keys.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { freePorts } from '../services/support.ts';
import { addItem, customerWith, FAST_SAGA, openCafe, order, type Cafe } from '../saga/support.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { parseExposition, valueOf } from './prometheus-text.ts';

/** Every series the issue names, each watched while the work it measures happens. */
describe('metrics move when their work happens', () => {
  let app: TestApp;
  let cafe: Cafe;
  let operator: string;
  const scrape = async () => {
    const res = await app.http.get('/metrics', operator);
    expect(res.status).toBe(200);
    return parseExposition(res.body as string);
  };
  const metric = async (name: string, labels: Record<string, string> = {}) => valueOf(await scrape(), name, labels);

  beforeAll(async () => {
    app = await startTestApp({ config: { ...FAST_SAGA, BUS_MAX_ATTEMPTS: 2, BUS_BACKOFF_MS: 20 } });
    cafe = await openCafe(app);
    operator = cafe.admin;
  });
  afterAll(() => app?.stop());

  it('an order: request durations by route template, events published and handled by type, end-to-end latency', async () => {
    const item = await addItem(cafe, 'Mocha', 400);
    const customer = await customerWith(cafe, 1000);
    const before = await scrape();
    const placed = await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }]);
    expect(placed.status).toBe(202);
    const handled = { subscription: 'fulfillment.open-ticket', type: 'ordering.order-paid', outcome: 'handled' };
    await eventually(() => metric('bus_events_handled_total', handled), (n) => n >= valueOf(before, 'bus_events_handled_total', handled) + 1, { within: 5000 });
    const after = await scrape();
    const route = { method: 'POST', route: '/api/orders', status: '202' };
    expect(valueOf(after, 'http_request_duration_seconds_count', route)).toBe(valueOf(before, 'http_request_duration_seconds_count', route) + 1);
    expect(valueOf(after, 'bus_events_published_total', { type: 'ordering.order-placed' })).toBeGreaterThan(valueOf(before, 'bus_events_published_total', { type: 'ordering.order-placed' }));
    const latency = { subscription: 'fulfillment.open-ticket' };
    expect(valueOf(after, 'bus_event_latency_seconds_count', latency)).toBeGreaterThan(valueOf(before, 'bus_event_latency_seconds_count', latency));
    expect(valueOf(after, 'bus_event_latency_seconds_bucket', { ...latency, le: '+Inf' })).toBe(valueOf(after, 'bus_event_latency_seconds_count', latency));
    expect(valueOf(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('a handler failing: failures by subscription and type, then a dead letter counted and waiting', async () => {
    const sub = 'storefront.refresh-menu-item';
    const failuresBefore = await metric('bus_handler_failures_total', { subscription: sub, type: 'catalog.item-changed' });
    const deadBefore = await metric('bus_dead_lettered_total', { subscription: sub });
    app.kernel.injectFault('catalog', () => new Error('catalog is down'));
    try {
      await addItem(cafe, 'Affogato', 450);
      await eventually(() => metric('bus_dead_lettered_total', { subscription: sub }), (n) => n === deadBefore + 1, { within: 5000 });
    } finally {
      app.kernel.injectFault('catalog', undefined);
    }
    expect(await metric('bus_handler_failures_total', { subscription: sub, type: 'catalog.item-changed' })).toBe(failuresBefore + 2);
    expect(await metric('bus_dead_letters', { subscription: sub })).toBeGreaterThanOrEqual(1);
    expect(await metric('bus_dead_letters', { subscription: 'fulfillment.open-ticket' })).toBe(0);
  });

  it('the outbox backing up while the relay is stopped, and draining once it runs', async () => {
    await app.kernel.bus.stop();
    try {
      await addItem(cafe, 'Lungo', 300);
      await new Promise((r) => setTimeout(r, 1100));
      const backedUp = await scrape();
      expect(valueOf(backedUp, 'bus_outbox_backlog', { module: 'catalog' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(backedUp, 'bus_outbox_oldest_age_seconds', { module: 'catalog' })).toBeGreaterThanOrEqual(1);
    } finally {
      await app.kernel.bus.start();
    }
    await eventually(() => metric('bus_outbox_backlog', { module: 'catalog' }), (n) => n === 0, { within: 5000 });
    expect(await metric('bus_outbox_oldest_age_seconds', { module: 'catalog' })).toBe(0);
  });

  it('saga steps owed and retrying, while payments cannot be charged', async () => {
    const item = await addItem(cafe, 'Ristretto', 250);
    const customer = await customerWith(cafe, 1000);
    app.kernel.injectFault('payments', () => new Error('payments is down'));
    try {
      await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }]);
      await eventually(() => metric('ordering_saga_steps', { state: 'retrying' }), (n) => n >= 1, { within: 5000 });
      expect(await metric('ordering_saga_steps', { state: 'owed' })).toBeGreaterThanOrEqual(1);
    } finally {
      app.kernel.injectFault('payments', undefined);
    }
    await eventually(() => metric('ordering_saga_steps', { state: 'owed' }), (n) => n === 0, { within: 5000 });
  });

  it('database transactions in use, and waiting once the pool is taken', async () => {
    // Read from the registry itself: on the embedded database a scrape's own queries would wait behind the held transactions.
    const counted = async (name: string) => valueOf(parseExposition(await app.kernel.metrics.registry.metrics()), name, { module: 'reviews' });
    const size = await metric('db_pool_size_connections', { module: 'reviews' });
    expect(size).toBeGreaterThanOrEqual(1);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const started: Promise<unknown>[] = [];
    // One more than the pool holds: the last waits for a connection.
    for (let i = 0; i <= size; i++) started.push(app.kernel.bus.unitOfWork('reviews', () => held));
    try {
      await eventually(() => counted('db_pool_transactions_in_use'), (n) => n === size, { within: 5000 });
      expect(await counted('db_pool_transactions_waiting')).toBe(1);
    } finally {
      release();
      await Promise.all(started);
    }
    expect(await metric('db_pool_transactions_in_use', { module: 'reviews' })).toBe(0);
    expect(await metric('db_pool_transactions_waiting', { module: 'reviews' })).toBe(0);
  });

  it('a breaker opening, and remote call durations by outcome', async () => {
    const [closed] = await freePorts(1);
    const logger = createLogger('silent');
    const pool = new InstancePool('payments', { urls: [`http://127.0.0.1:${closed}`], healthIntervalMs: 60_000, dnsRefreshMs: 60_000, probe: async () => true }, logger);
    await pool.start();
    const tokens = new ServiceTokens(await loadSigningKey(undefined, 'memory://'), 'metrics-test', { jwksUrls: [] });
    // A payments client as a split deployment has it, reporting into this app's registry.
    const remote = new RemoteModule('payments', pool, tokens, { timeoutMs: 500, retries: 0, breakerFailures: 2, halfOpenAfterMs: 60_000 }, app.kernel.metrics, logger);
    try {
      expect(await metric('remote_breaker_state', { module: 'payments' })).toBe(0);
      const client = remote.client(paymentsApi);
      for (let i = 0; i < 3; i++) await client.balance({ customerId: '00000000-0000-4000-8000-000000000000' }).catch(() => undefined);
      expect(await metric('remote_breaker_state', { module: 'payments' })).toBe(1);
      expect(await metric('remote_call_duration_seconds_count', { module: 'payments', method: 'balance', outcome: 'unavailable' })).toBe(2);
      expect(await metric('remote_call_duration_seconds_count', { module: 'payments', method: 'balance', outcome: 'breaker_open' })).toBe(1);
    } finally {
      pool.stop();
    }
  });
});
