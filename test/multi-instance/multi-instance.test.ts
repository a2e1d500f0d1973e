/**
 * Several app processes on one Postgres and one Redis (EVENT_TRANSPORT=bullmq), and the faults
 * the bus must survive: Redis going away under load, a process killed between commit and
 * dispatch, a poison event. Each process is a real `node` child running the real kernel.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { PROBE_SUBSCRIPTIONS } from '../fixtures/probe/module.ts';
import { dropPrefix, duplicates, uniquePrefix, type Effect } from '../conformance/harness.ts';
import { freshDatabase } from '../support/database.ts';
import { adminToken, startProcess, withRedisDown, type AppProcess } from './processes.ts';

const DATABASE_URL = process.env['DATABASE_URL'];
const REDIS_URL = process.env['REDIS_URL'];
const SUBS = PROBE_SUBSCRIPTIONS.length;

/** A Postgres database and Redis namespace of their own, and a way to read the probe's effects. */
async function sharedStores(label: string) {
  const db = await freshDatabase();
  const prefix = uniquePrefix(label);
  const sql = postgres(db.url!, { max: 2, onnotice: () => {} });
  return {
    env: { DATABASE_URL: db.url!, REDIS_URL: REDIS_URL!, EVENT_TRANSPORT: 'bullmq', BULLMQ_PREFIX: prefix },
    async effects(ids?: readonly string[]): Promise<Effect[]> {
      const rows = await sql<Effect[]>`select event_id as "eventId", subscription, n, handled_by as "handledBy" from probe.effects order by id`;
      return ids ? rows.filter((r) => ids.includes(r.eventId)) : [...rows];
    },
    async outboxPending(): Promise<number> {
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from probe.outbox where dispatched_at is null`;
      return row!.n;
    },
    async claimed(id: string): Promise<boolean> {
      const [row] = await sql<{ claimed: boolean }[]>`select claimed_until is not null as claimed from probe.outbox where id = ${id}`;
      return row?.claimed ?? false;
    },
    async close() {
      await sql.end({ timeout: 5 });
      await db.drop();
      await dropPrefix(prefix);
    },
  };
}

async function ping(app: AppProcess, body: Record<string, unknown>): Promise<string[]> {
  const res = await app.request('/api/probe/pings', { body });
  if (res.status !== 201) throw new Error(`ping via ${app.name} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.eventIds;
}

describe.skipIf(!DATABASE_URL || !REDIS_URL)('multi-instance with BullMQ (set DATABASE_URL and REDIS_URL to run)', () => {
  describe('two processes sharing one Postgres and one Redis', () => {
    let stores: Awaited<ReturnType<typeof sharedStores>>;
    let a: AppProcess;
    let b: AppProcess;

    beforeAll(async () => {
      stores = await sharedStores('multi');
      // A relay claim travels as one job per subscription, so one process could take a whole
      // test's worth of jobs at once: small batches and two jobs at a time per process make the
      // work come in more jobs than either process holds, so both must take part.
      const env = { ...stores.env, BUS_BATCH_SIZE: '5', BUS_CONCURRENCY: '2' };
      // One after the other: migrations are serialised anyway and the machine is small.
      a = await startProcess('a', env);
      b = await startProcess('b', env);
    }, 200_000);
    afterAll(async () => {
      await Promise.allSettled([a?.stop(), b?.stop()]);
      await stores?.close();
    }, 60_000);

    it('handles events published through both processes exactly once each, spreading the work over both', async () => {
      const published = await Promise.all([
        ...Array.from({ length: 5 }, (_, i) => ping(a, { n: 100 + i * 10, count: 10, slowMs: 30 })),
        ...Array.from({ length: 5 }, (_, i) => ping(b, { n: 200 + i * 10, count: 10, slowMs: 30 })),
      ]);
      const ids = published.flat();
      const rows = await eventually(() => stores.effects(ids), (r) => r.length >= ids.length * SUBS, { within: 30_000, interval: 200 });
      expect(duplicates(rows)).toEqual([]);
      expect(rows).toHaveLength(ids.length * SUBS);
      const byProcess = { a: rows.filter((r) => r.handledBy === 'a').length, b: rows.filter((r) => r.handledBy === 'b').length };
      expect(byProcess.a).toBeGreaterThan(0);
      expect(byProcess.b).toBeGreaterThan(0);
      // Once the queues drain, nothing is delivered a second time.
      expect(duplicates(await stores.effects(ids))).toEqual([]);
    }, 60_000);

    it('a poison event ends in the dead letters without holding back others; replay after the fix delivers it once', async () => {
      const [poison] = await ping(a, { n: 300, poison: true });
      const healthy = await ping(b, { n: 301, count: 10 });
      await eventually(() => stores.effects(healthy), (r) => r.length === healthy.length * SUBS, { within: 20_000, interval: 200 });

      const admin = await adminToken(a);
      const dead = await eventually(
        async () => ((await a.request('/api/admin/dead-letters', { token: admin })).body as { eventId: string; subscription: string; attempts: number }[]).filter((d) => d.eventId === poison),
        (d) => d.length === SUBS,
        { within: 20_000, interval: 200 },
      );
      expect(dead.every((d) => d.attempts === 4)).toBe(true);
      expect(await stores.effects([poison!])).toEqual([]);

      // The fix reaches both processes (either one may run the replayed job).
      for (const p of [a, b]) expect((await p.request('/api/probe/fix', { method: 'POST' })).status).toBe(200);
      for (const d of dead) {
        expect((await b.request(`/api/admin/dead-letters/${poison}/${d.subscription}/replay`, { method: 'POST', token: admin })).status).toBe(202);
      }
      const rows = await eventually(() => stores.effects([poison!]), (r) => r.length === SUBS, { within: 20_000, interval: 200 });
      expect(duplicates(rows)).toEqual([]);
      expect(((await a.request('/api/admin/dead-letters', { token: admin })).body as { eventId: string }[]).filter((d) => d.eventId === poison)).toEqual([]);
    }, 60_000);

    it('keeps taking writes while Redis is down, reports it unready, and delivers everything once when Redis is back', async () => {
      const before = await ping(a, { n: 400, count: 20 });
      // Let work already in Redis finish: this Redis keeps no data across a restart.
      await eventually(() => stores.effects(before), (r) => r.length === before.length * SUBS, { within: 20_000, interval: 200 });

      const duringOutage: string[] = [];
      let readiness: { status: number; body: any } | undefined;
      await withRedisDown(REDIS_URL!, async () => {
        for (let i = 0; i < 10; i++) duringOutage.push(...(await ping(i % 2 ? a : b, { n: 500 + i * 10, count: 5 })));
        readiness = await eventually(() => a.request('/health/ready'), (r) => r.status === 503, { within: 5000, interval: 100 });
        // The outbox holds what Redis could not take.
        expect(await stores.outboxPending()).toBeGreaterThan(0);
      });
      expect(duringOutage).toHaveLength(50);
      expect(readiness!.body.checks.redis.status).toBe('down');
      expect(readiness!.body.checks.database.status).toBe('up');

      const after = await ping(b, { n: 600, count: 5 });
      const ids = [...duringOutage, ...after];
      const rows = await eventually(() => stores.effects(ids), (r) => r.length >= ids.length * SUBS, { within: 40_000, interval: 250 });
      expect(duplicates(rows)).toEqual([]);
      expect(rows).toHaveLength(ids.length * SUBS);
      await eventually(() => stores.outboxPending(), (n) => n === 0, { within: 10_000, interval: 200 });
      expect((await a.request('/health/ready')).status).toBe(200);
    }, 120_000);
  });

  it('runs the café on two src/main.ts processes: orders placed through both reach a terminal state, each charged once', async () => {
    const stores = await sharedStores('cafe');
    const env = { ...stores.env, SAGA_POLL_MS: '100', SAGA_RETRY_MS: '50', SAGA_RETRY_MAX_MS: '500' };
    const apps: AppProcess[] = [];
    try {
      apps.push(await startProcess('cafe-a', env, 'src/main.ts'));
      apps.push(await startProcess('cafe-b', env, 'src/main.ts'));
      const [a, b] = apps as [AppProcess, AppProcess];
      const admin = await adminToken(a);
      const item = await a.request('/api/catalog/items', { body: { name: 'Flat white', priceCents: 350 }, token: admin });
      expect(item.status).toBe(201);
      const baristaAccount = { email: `barista-${Date.now()}@cafe.test`, password: 'correct-horse', displayName: 'Barista', role: 'barista' };
      expect((await b.request('/api/identity/users', { body: baristaAccount, token: admin })).status).toBe(201);
      const barista = (await a.request('/api/identity/login', { body: { email: baristaAccount.email, password: baristaAccount.password } })).body.accessToken;
      const customerAccount = { email: `customer-${Date.now()}@cafe.test`, password: 'correct-horse', displayName: 'Customer' };
      expect((await a.request('/api/identity/register', { body: customerAccount })).status).toBe(201);
      const customer = (await b.request('/api/identity/login', { body: { email: customerAccount.email, password: customerAccount.password } })).body.accessToken;
      // Money for three of the six orders: the other three must be declined, none charged twice.
      expect((await b.request('/api/payments/wallet/deposits', { body: { amountCents: 3 * 350 }, token: customer })).status).toBe(201);

      const placed = await Promise.all(
        Array.from({ length: 6 }, (_, i) => apps[i % 2]!.request('/api/orders', { body: { items: [{ itemId: item.body.id, quantity: 1 }] }, token: customer })),
      );
      expect(placed.map((p) => p.status)).toEqual(Array(6).fill(202));
      const ids = placed.map((p) => p.body.id as string);
      const settledOrders = await eventually(
        () => Promise.all(ids.map(async (id, i) => (await apps[(i + 1) % 2]!.request(`/api/orders/${id}`, { token: customer })).body)),
        (orders) => orders.every((o) => o.status === 'REJECTED' || o.status === 'PAID' || o.status === 'PREPARING'),
        { within: 30_000, interval: 250 },
      );
      const paid = settledOrders.filter((o) => o.status !== 'REJECTED').map((o) => o.id as string);
      expect(paid).toHaveLength(3);
      expect(settledOrders.filter((o) => o.status === 'REJECTED').every((o) => o.reason === 'payment_declined')).toBe(true);

      // The barista works the tickets through both processes; every paid order completes.
      const tickets = await eventually(
        async () => ((await b.request('/api/fulfillment/tickets', { token: barista })).body as { id: string; orderId: string }[]).filter((t) => paid.includes(t.orderId)),
        (t) => t.length === 3,
        { within: 20_000, interval: 250 },
      );
      for (const [i, t] of tickets.entries()) {
        for (const step of ['start', 'ready', 'handover']) {
          expect((await apps[i % 2]!.request(`/api/fulfillment/tickets/${t.id}/${step}`, { method: 'POST', token: barista })).status).toBe(200);
        }
      }
      await eventually(
        () => Promise.all(paid.map(async (id) => (await a.request(`/api/orders/${id}`, { token: customer })).body.status)),
        (s) => s.every((x) => x === 'COMPLETED'),
        { within: 30_000, interval: 250 },
      );
      const wallet = (await a.request('/api/payments/wallet', { token: customer })).body as { balanceCents: number; history: { type: string; orderId?: string }[] };
      expect(wallet.balanceCents).toBe(0);
      for (const id of paid) expect(wallet.history.filter((h) => h.type === 'charged' && h.orderId === id)).toHaveLength(1);
    } finally {
      await Promise.allSettled(apps.map((p) => p.stop()));
      await stores.close();
    }
  }, 300_000);

  it('delivers once, after a restart, an event whose process was SIGKILLed between commit and dispatch', async () => {
    const stores = await sharedStores('kill');
    // A short lease: the restarted relay may take the dead process's claim over quickly.
    const env = { ...stores.env, OUTBOX_LEASE_SECONDS: '2' };
    let victim: AppProcess | undefined;
    let successor: AppProcess | undefined;
    try {
      victim = await startProcess('victim', { ...env, PROBE_STALL_DISPATCH: '1' });
      const [id] = await ping(victim, { n: 700 });
      // Committed and claimed by the relay, whose dispatch never finishes: now kill it.
      await eventually(() => stores.claimed(id!), (c) => c, { within: 5000, interval: 50 });
      await victim.kill();
      expect(await stores.effects([id!])).toEqual([]);

      successor = await startProcess('successor', env);
      const rows = await eventually(() => stores.effects([id!]), (r) => r.length >= SUBS, { within: 30_000, interval: 200 });
      expect(duplicates(rows)).toEqual([]);
      expect(rows.map((r) => r.handledBy)).toEqual(['successor', 'successor']);
      await eventually(() => stores.outboxPending(), (n) => n === 0, { within: 10_000, interval: 200 });
      expect(await stores.effects([id!])).toHaveLength(SUBS);
    } finally {
      await victim?.kill();
      await successor?.stop();
      await stores.close();
    }
  }, 200_000);
});
