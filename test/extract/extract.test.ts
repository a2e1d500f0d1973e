import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { developmentKeys } from '../../scripts/services.ts';
import { DOCKER_COMMANDS } from '../../scripts/extract/deploy.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { startProcess, type AppProcess } from '../multi-instance/processes.ts';
import { freePorts } from '../services/support.ts';
import { freshDatabase } from '../support/database.ts';
import { copyMonolith, npm, ROOT, run } from './support.ts';

// Real Postgres and Redis, and the BullMQ pass of CI only: the command is slow and its result does not depend on the pass.
const ready = Boolean(process.env['DATABASE_URL'] && process.env['REDIS_URL'] && process.env['EVENT_TRANSPORT'] === 'bullmq');
if (!ready) console.warn('extract.test.ts skipped: runs with DATABASE_URL, REDIS_URL and EVENT_TRANSPORT=bullmq');

const rand = () => Math.random().toString(36).slice(2, 10);
const step = (what: string) => console.info(`[extract test] ${new Date().toISOString()} ${what}`);
const DENO = path.join(ROOT, 'node_modules/.bin/deno');

/**
 * `npm run extract` for payments and fulfillment, end to end: generated projects that install,
 * typecheck, lint and pass their tests; data moved with the modules; the monolith without them
 * plus the two services as processes (payments from its production image layout under Node,
 * fulfillment under Deno) running the saga over the network; then the way back.
 */
describe.skipIf(!ready)('extracting payments and fulfillment', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'cafe-extract-'));
  const monolith = path.join(work, 'monolith');
  const payments = path.join(work, 'payments');
  const fulfillment = path.join(work, 'fulfillment');
  const dbs: { url: string | undefined; drop(): Promise<void> }[] = [];
  const running: AppProcess[] = [];
  let keys: { jwt: string; service: string };
  let before: { email: string; orderId: string; wallet: unknown; baristaEmail: string; itemId: string };
  const common = () => ({
    REDIS_URL: process.env['REDIS_URL']!,
    BULLMQ_PREFIX: prefix,
    SERVICE_TOKEN_KEY: keys.service,
    SAGA_POLL_MS: '100',
    SAGA_RETRY_MS: '100',
    SAGA_RETRY_MAX_MS: '500',
    AUTH_RATE_LIMIT_KEY_PREFIX: `x-rl-${rand()}`,
  });
  const prefix = `extract-${process.pid}-${rand()}`;

  beforeAll(async () => {
    keys = await developmentKeys();
    for (let i = 0; i < 3; i++) dbs.push(await freshDatabase());
    await copyMonolith(monolith);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill()));
    await Promise.all(dbs.map((d) => d.drop()));
    rmSync(work, { recursive: true, force: true });
  }, 300_000);

  it('the monolith, still whole, funds a wallet and takes an order', async () => {
    const app = await startProcess('monolith', { ...common(), DATABASE_URL: dbs[0]!.url!, EVENT_TRANSPORT: 'inprocess', JWT_PRIVATE_KEY: keys.jwt }, 'src/main.ts', { cwd: monolith });
    running.push(app);
    const admin = (await app.request('/api/identity/login', { body: { email: 'admin@cafe.test', password: 'admin-password' } })).body.accessToken;
    const baristaEmail = `b-${rand()}@cafe.test`;
    expect((await app.request('/api/identity/users', { body: { email: baristaEmail, password: 'barista-pass', displayName: 'B', role: 'barista' }, token: admin })).status).toBe(201);
    const barista = (await app.request('/api/identity/login', { body: { email: baristaEmail, password: 'barista-pass' } })).body.accessToken;
    const item = (await app.request('/api/catalog/items', { body: { name: 'Flat white', priceCents: 350 }, token: admin })).body;
    const email = `c-${rand()}@cafe.test`;
    expect((await app.request('/api/identity/register', { body: { email, password: 'correct-horse', displayName: 'C' } })).status).toBe(201);
    const token = (await app.request('/api/identity/login', { body: { email, password: 'correct-horse' } })).body.accessToken;
    expect((await app.request('/api/payments/wallet/deposits', { body: { amountCents: 1000 }, token })).status).toBe(201);
    const order = await app.request('/api/orders', { body: { items: [{ itemId: item.id, quantity: 2 }] }, token });
    expect(order.status).toBe(202);
    await eventually(async () => (await app.request(`/api/orders/${order.body.id}`, { token })).body, (o) => o?.status === 'PAID', { within: 20_000 });
    await eventually(async () => (await app.request('/api/fulfillment/tickets', { token: barista })).body as { orderId: string }[], (t) => t.some((x) => x.orderId === order.body.id), { within: 20_000 });
    const wallet = (await app.request('/api/payments/wallet', { token })).body;
    expect(wallet).toMatchObject({ balanceCents: 300 });
    before = { email, orderId: order.body.id, wallet, baristaEmail, itemId: item.id };
    await app.stop();
    running.pop();
  }, 120_000);

  it('writes both service projects and removes both modules from the monolith', async () => {
    const out = await npm(monolith, ['run', 'extract', '--', 'payments', '--out', payments, '--apply']);
    expect(out).toMatch(/tests: \d+ go along/);
    await npm(monolith, ['run', 'extract', '--', 'fulfillment', '--out', fulfillment, '--apply']);
    expect(readdirSync(path.join(monolith, 'src/modules/payments')).sort()).toEqual(['index.ts', 'remote.ts']);
    expect(readFileSync(path.join(monolith, 'src/modules.ts'), 'utf8')).toContain("from './modules/fulfillment/remote.ts'");
    for (const dir of [payments, fulfillment]) {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(['start', 'test', 'typecheck', 'lint', 'db:migrate']));
      // Only what its files import: no identity password hashing library, no bench or mutation tooling.
      expect(Object.keys(pkg.dependencies)).not.toContain('rate-limiter-flexible');
      expect(Object.keys(pkg.devDependencies)).not.toContain('@stryker-mutator/core');
      expect(readdirSync(path.join(dir, 'migrations'))).toEqual([path.basename(dir)]);
    }
    // Its own code plus the public entry of the one module it trades events with.
    expect(readdirSync(path.join(fulfillment, 'src/modules')).sort()).toEqual(['fulfillment', 'ordering']);
    expect(readdirSync(path.join(fulfillment, 'src/modules/ordering'))).toEqual(['index.ts']);
  }, 180_000);

  it("each installs from the monolith's pins, typechecks, lints and passes its own tests", async () => {
    // The Dockerfile's build stage, run here as written.
    await Promise.all([payments, fulfillment].map((dir) => run(dir, 'sh', ['-c', `${DOCKER_COMMANDS.build[0]} --prefer-offline --no-audit --no-fund`])));
    for (const dir of [payments, fulfillment]) {
      await run(dir, 'sh', ['-c', DOCKER_COMMANDS.build[1]!]);
      await npm(dir, ['run', 'typecheck']);
      await npm(dir, ['run', 'lint']);
      const tests = stripVTControlCharacters(await npm(dir, ['test'], { EVENT_TRANSPORT: 'inprocess' }));
      expect(tests).toMatch(/Test Files\s+\d+ passed \(\d+\)/);
      expect(tests).toContain('test/contract.test.ts');
    }
  }, 480_000);

  it('ships a Dockerfile whose commands are the ones run here, and manifests Kubernetes accepts', async () => {
    for (const dir of [payments, fulfillment]) {
      const runs = [...readFileSync(path.join(dir, 'Dockerfile'), 'utf8').matchAll(/^RUN (.+)$/gm)].map((m) => m[1]!.split(' && ')[0]);
      expect(runs).toEqual([...DOCKER_COMMANDS.build, ...DOCKER_COMMANDS.runtime]);
      expect(readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
      const kinds: string[] = [];
      for (const file of readdirSync(path.join(dir, 'k8s'))) {
        for (const doc of parseAllDocuments(readFileSync(path.join(dir, 'k8s', file), 'utf8'))) {
          const manifest = doc.toJS();
          const Model = { Deployment, Service, ConfigMap }[manifest.kind as 'Deployment' | 'Service' | 'ConfigMap'];
          expect(Model, `${file}: ${manifest.kind}`).toBeDefined();
          new Model(manifest).validate();
          kinds.push(manifest.kind === 'Service' && manifest.spec.clusterIP === 'None' ? 'HeadlessService' : manifest.kind);
          if (manifest.kind === 'Deployment') {
            const container = manifest.spec.template.spec.containers[0];
            expect(container.livenessProbe.httpGet.path).toBe('/health/live');
            expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
            expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
          }
        }
      }
      expect(kinds.sort()).toEqual(['ConfigMap', 'Deployment', 'HeadlessService', 'Service']);
      // A broken manifest is refused: the validation is real.
      expect(() => new Deployment({ metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'x', ports: [{ containerPort: 'http' as never }] }] } } } }).validate()).toThrow(/containerPort/);
    }
  });

  it('moves the data, then the saga runs over the network: the monolith plus payments (Node, production layout) and fulfillment (Deno)', async () => {
    for (const [name, dir, db] of [['payments', payments, dbs[1]!], ['fulfillment', fulfillment, dbs[2]!]] as const) {
      const out = await npm(monolith, ['run', 'extract:data', '--', name, '--from', dbs[0]!.url!, '--to', db.url!, '--migrations', path.join(dir, 'migrations', name)]);
      expect(out).toMatch(/rows copied, counts verified/);
      const again = await npm(monolith, ['run', 'extract:data', '--', name, '--from', dbs[0]!.url!, '--to', db.url!, '--migrations', path.join(dir, 'migrations', name)]).catch((e: Error) => e.message);
      expect(again).toContain('refusing: the target already holds');
    }
    step('data moved');
    // The runtime stage of the Dockerfile: production dependencies only, the built bundle, the migrations.
    const image = path.join(work, 'payments-image');
    for (const f of ['package.json', 'package-lock.json', 'dist', 'migrations']) cpSync(path.join(payments, f), path.join(image, f), { recursive: true });
    await run(image, 'sh', ['-c', `${DOCKER_COMMANDS.runtime[0]} --prefer-offline --no-audit --no-fund`]);

    step('image built; starting the services');
    const [g, p, f] = await freePorts(3);
    const jwks = { JWT_JWKS_URL: `http://127.0.0.1:${g}/.well-known/jwks.json` };
    const service = (port: number, db: string) => ({ ...common(), ...jwks, PORT: String(port), DATABASE_URL: db, OPERATIONS_PUBLIC: 'true' });
    const [paymentsProcess, fulfillmentProcess] = await Promise.all([
      startProcess('payments', service(p!, dbs[1]!.url!), '', { cwd: image, command: [process.execPath, ['--enable-source-maps', 'dist/server.js']] }),
      startProcess('fulfillment', service(f!, dbs[2]!.url!), '', { cwd: fulfillment, command: [DENO, ['run', '--allow-all', 'src/main.ts']] }),
    ]);
    running.push(paymentsProcess, fulfillmentProcess);
    const gateway = await startProcess(
      'gateway',
      { ...common(), PORT: String(g), DATABASE_URL: dbs[0]!.url!, EVENT_TRANSPORT: 'bullmq', JWT_PRIVATE_KEY: keys.jwt, SERVICE_PAYMENTS_URLS: `http://127.0.0.1:${p}`, SERVICE_FULFILLMENT_URLS: `http://127.0.0.1:${f}` },
      'src/main.ts',
      { cwd: monolith },
    );
    running.push(gateway);
    step('gateway up');

    const login = async (email: string, password: string) => (await gateway.request('/api/identity/login', { body: { email, password } })).body.accessToken as string;
    const token = await login(before.email, 'correct-horse');
    const barista = await login(before.baristaEmail, 'barista-pass');
    // The wallet funded and charged inside the monolith, now served by the payments service.
    expect((await gateway.request('/api/payments/wallet', { token })).body).toEqual(before.wallet);
    const reaches = (token: string, id: string, status: string) =>
      eventually(async () => (await gateway.request(`/api/orders/${id}`, { token })).body, (o) => o?.status === status, { within: 30_000, interval: 100 });
    const ticketOf = (orderId: string) =>
      eventually(async () => ((await gateway.request('/api/fulfillment/tickets', { token: barista })).body as { id: string; orderId: string }[]).find((t) => t.orderId === orderId), (t) => t !== undefined, { within: 30_000, interval: 100 });
    const advance = async (orderId: string) => {
      const ticket = await ticketOf(orderId);
      for (const step of ['start', 'ready', 'handover']) expect((await gateway.request(`/api/fulfillment/tickets/${ticket!.id}/${step}`, { method: 'POST', token: barista })).status).toBe(200);
    };
    // The order paid before the move: its ticket moved with fulfillment, and finishing it completes the order.
    await advance(before.orderId);
    await reaches(token, before.orderId, 'COMPLETED');

    const customer = async (cents: number) => {
      const email = `c-${rand()}@cafe.test`;
      expect((await gateway.request('/api/identity/register', { body: { email, password: 'correct-horse', displayName: 'C' } })).status).toBe(201);
      const token = (await gateway.request('/api/identity/login', { body: { email, password: 'correct-horse' } })).body.accessToken as string;
      expect((await gateway.request('/api/payments/wallet/deposits', { body: { amountCents: cents }, token })).status).toBe(201);
      return token;
    };
    const place = async (token: string) => {
      const res = await gateway.request('/api/orders', { body: { items: [{ itemId: before.itemId, quantity: 2 }] }, token });
      expect(res.status).toBe(202);
      return res.body.id as string;
    };
    const happy = await customer(1000);
    const id = await place(happy);
    await reaches(happy, id, 'PAID');
    await advance(id);
    await reaches(happy, id, 'COMPLETED');
    const wallet = (await gateway.request('/api/payments/wallet', { token: happy })).body;
    expect(wallet.balanceCents).toBe(300);
    expect(wallet.history.filter((h: { type: string; orderId?: string }) => h.type === 'charged' && h.orderId === id)).toHaveLength(1);

    const poor = await customer(100);
    expect(await reaches(poor, await place(poor), 'REJECTED')).toMatchObject({ reason: 'payment_declined' });

    const rejected = await customer(1000);
    const rid = await place(rejected);
    await reaches(rejected, rid, 'PAID');
    const ticket = await ticketOf(rid);
    expect((await gateway.request(`/api/fulfillment/tickets/${ticket!.id}/reject`, { body: { reason: 'out of oat milk' }, token: barista })).status).toBe(200);
    expect(await reaches(rejected, rid, 'CANCELLED')).toMatchObject({ reason: 'out_of_stock' });
    await eventually(async () => (await gateway.request('/api/payments/wallet', { token: rejected })).body, (w) => w.balanceCents === 1000, { within: 30_000 });
    await Promise.all(running.splice(0).map((r) => r.stop()));
  }, 300_000);

  it('the monolith without them typechecks, lints and passes its boundary and contract tests', async () => {
    await npm(monolith, ['run', 'typecheck']);
    await npm(monolith, ['run', 'lint']);
    // The architecture tests that boot neither payments nor fulfillment, and the contract check of both.
    const files = ['test/architecture/lint-rules.test.ts', 'test/architecture/verify.test.ts', 'test/architecture/module-roles.test.ts', 'test/contract/extracted-modules.test.ts'];
    const out = stripVTControlCharacters(await run(monolith, 'npx', ['vitest', 'run', ...files]));
    expect(out).toMatch(new RegExp(`Test Files\\s+${files.length} passed`));
    expect(out).toMatch(/extracted-modules\.test\.ts \(7 tests\)/);
  }, 240_000);

  it('the way back: undo returns both modules and leaves the monolith as it was', async () => {
    await npm(monolith, ['run', 'extract', '--', 'payments', '--undo', '--from', payments]);
    await npm(monolith, ['run', 'extract', '--', 'fulfillment', '--undo', '--from', fulfillment]);
    // Byte for byte the monolith before extraction, whose suite is this suite.
    expect(await run(monolith, 'git', ['status', '--porcelain'])).toBe('');
  }, 120_000);
});
