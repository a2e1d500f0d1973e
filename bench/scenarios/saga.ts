import path from 'node:path';
import { runScript } from '../lib/child.ts';
import { skipped, type BenchContext, type Scenario } from '../lib/context.ts';
import { adminToken, call, orderLines, signUp } from '../lib/customers.ts';
import type { Row } from '../lib/report.ts';
import { ROOT, settle, startProject, type RunningServer } from '../lib/server.ts';
import { median } from '../lib/stats.ts';

const DRIVER = path.join(ROOT, 'bench', 'scenarios', 'saga-driver.ts');
const STEP = path.join(ROOT, 'bench', 'baselines', 'saga-step.ts');
const PLAIN_WRITE = 'one plain Postgres write (autocommitted insert)';
const ADMIN = { email: 'bench-admin@bench.test', password: 'bench-admin-password' };
const CUSTOMERS = 16;

const errorNote = (rs: SagaResult[]) => {
  const n = rs.reduce((a, r) => a + r.serverErrors, 0);
  return n > 0 ? `; ${n} barista requests answered 5xx and were retried (${rs.find((r) => r.firstError)?.firstError})` : '';
};

interface SagaResult {
  serverErrors: number;
  firstError?: string;
  orders: number;
  seconds: number;
  completedPerSecond: number;
  paidP50: number;
  paidP99: number;
  placeP50: number;
}

/**
 * The paced rounds' rate: under half of what the saga completes here when pushed, so they measure
 * what a customer waits, not a queue (see ADR 25).
 */
const PACED_PER_SECOND = 20;

/**
 * The whole order saga on Postgres: place → charge → PAID → ticket → barista steps → COMPLETED,
 * with the in-process bus and with BullMQ. Rounds alternate between the two servers.
 */
export const sagaScenario: Scenario = {
  name: 'saga',
  async run(ctx: BenchContext): Promise<Row[]> {
    const missing = ['ordering', 'payments', 'fulfillment'].filter((m) => !ctx.modules.has(m));
    if (missing.length > 0) return [skipped('saga', 'orders reaching COMPLETED', `skipped: module ${missing.join(', ')} not present`)];
    const orders = ctx.smoke ? 20 : 300;
    const pacedOrders = ctx.smoke ? 20 : 10 * PACED_PER_SECOND;
    const ref = ctx.against;
    const variants: { name: string; env: Record<string, string>; build?: typeof ref }[] = [
      // --against: the earlier commit's server first, in-process, so the two in-process runs are next to each other.
      ...(ref ? [{ name: `in-process bus at ${ref.commit}`, env: { EVENT_TRANSPORT: 'inprocess' }, build: ref }] : []),
      { name: 'in-process bus', env: { EVENT_TRANSPORT: 'inprocess' } },
      { name: 'BullMQ transport', env: { EVENT_TRANSPORT: 'bullmq', REDIS_URL: ctx.redisUrl, BULLMQ_PREFIX: `bench-saga-${process.pid}` } },
    ];
    const targetFor = (name: string, inProcess: string, bullmq: string) => (name === 'in-process bus' ? inProcess : name === 'BullMQ transport' ? bullmq : undefined);
    // One server at a time: each opens up to (modules x DATABASE_POOL_SIZE) Postgres connections,
    // and two at once exhaust a default max_connections of 100 on a shared server.
    const setups: { name: string; results: SagaResult[]; paced: SagaResult[] }[] = [];
    for (const v of variants) {
      const db = await ctx.freshDatabase('saga');
      let server: RunningServer | undefined;
      try {
        server = await startProject({
          ...(v.build ? { build: v.build, name: `project-${v.build.commit}` } : {}),
          env: { ...v.env, DATABASE_URL: db.url, SEED_DEMO_MENU: 'true', PASSWORD_HASH_COST: '10', AUTH_RATE_LIMIT_PER_IP: '1000000', AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
        });
        const setup = { name: v.name, results: [] as SagaResult[], paced: [] as SagaResult[] };
        setups.push(setup);
        const customers = await signUp(server, CUSTOMERS);
        for (const c of customers) {
          const r = await call(server, 'POST', '/api/payments/wallet/deposits', { amountCents: 1_000_000 }, c.token);
          if (r.status !== 201) throw new Error(`deposit failed: ${r.status} ${JSON.stringify(r.body)}`);
        }
        const [barista] = await signUp(server, 1, 'barista', await adminToken(server, ADMIN.email, ADMIN.password));
        const plan = { url: server.url, orders, concurrency: 16, customers: customers.map((c) => c.token), barista: barista!.token, items: await orderLines(server), timeoutMs: 10 * 60_000 };
        for (let round = 0; round < ctx.rounds; round++) {
          const [r] = await runScript<SagaResult>(DRIVER, plan, {});
          setup.results.push(r!);
          ctx.log(`  saga ${v.name}: ${r!.completedPerSecond.toFixed(1)} orders/s completed, placement → PAID p50 ${Math.round(r!.paidP50)} ms, p99 ${Math.round(r!.paidP99)} ms`);
          await settle(server);
          const [p] = await runScript<SagaResult>(DRIVER, { ...plan, orders: pacedOrders, perSecond: PACED_PER_SECOND }, {});
          setup.paced.push(p!);
          ctx.log(`  saga ${v.name}, paced at ${PACED_PER_SECOND}/s: placement → PAID p50 ${Math.round(p!.paidP50)} ms, p99 ${Math.round(p!.paidP99)} ms; placement answered p50 ${Math.round(p!.placeP50)} ms`);
          await settle(server);
        }
      } finally {
        await server?.stop();
        await db.drop();
      }
    }
    const steps = await stepCost(ctx);
    return [...setups.flatMap((s) => [
      {
        scenario: 'saga',
        name: `orders reaching COMPLETED, ${s.name}`,
        unit: 'orders/s',
        median: median(s.results.map((r) => r.completedPerSecond)),
        rounds: s.results.map((r) => Math.round(r.completedPerSecond * 10) / 10),
        note: `${orders} orders per round, 16 customers placing, one automatic barista${errorNote(s.results)}`,
        target: targetFor(s.name, '>= 135 orders/s (3 x 45 before)', '>= 90 orders/s (3 x 30 before)'),
      },
      {
        scenario: 'saga',
        name: `placement → PAID latency p50, pushed, ${s.name}`,
        unit: 'ms',
        median: median(s.results.map((r) => r.paidP50)),
        p99: median(s.results.map((r) => r.paidP99)),
        rounds: s.results.map((r) => Math.round(r.paidP50)),
        note: `the same rounds as the completions: placements outrun the saga, so this is mostly queue; placement answered p50 ${Math.round(median(s.results.map((r) => r.placeP50)))} ms`,
      },
      {
        scenario: 'saga',
        name: `placement → PAID latency p50, paced at ${PACED_PER_SECOND} orders/s, ${s.name}`,
        unit: 'ms',
        median: median(s.paced.map((r) => r.paidP50)),
        p99: median(s.paced.map((r) => r.paidP99)),
        rounds: s.paced.map((r) => Math.round(r.paidP50)),
        note: `${pacedOrders} orders a round, one placement every ${1000 / PACED_PER_SECOND} ms, barista working; placement answered p50 ${Math.round(median(s.paced.map((r) => r.placeP50)))} ms${errorNote(s.paced)}`,
        target: targetFor(s.name, '<= 50 ms', '<= 150 ms'),
      },
    ]), ...steps];
  },
};

interface StepResult {
  kind: 'saga-step' | 'plain-write';
  perSecond: number;
}

/** One persisted saga step against one plain write, on a database of its own (see bench/baselines/saga-step.ts). */
async function stepCost(ctx: BenchContext): Promise<Row[]> {
  const db = await ctx.freshDatabase('saga_step');
  try {
    const steps = ctx.smoke ? 200 : 5000;
    const rs = await runScript<StepResult>(STEP, { url: db.url, steps, rounds: ctx.rounds, concurrency: 16 }, {});
    const of = (kind: StepResult['kind']) => rs.filter((r) => r.kind === kind).map((r) => r.perSecond);
    ctx.log(`  saga step ${of('saga-step').map(Math.round).join(', ')}, plain write ${of('plain-write').map(Math.round).join(', ')} per second`);
    const note = `${steps} per round, 16 at once`;
    return [
      { scenario: 'saga', name: 'one persisted saga step (owed, claimed, finished)', unit: 'steps/s', median: median(of('saga-step')), rounds: of('saga-step').map(Math.round), baseline: PLAIN_WRITE, note },
      { scenario: 'saga', name: PLAIN_WRITE, unit: 'writes/s', median: median(of('plain-write')), rounds: of('plain-write').map(Math.round), note },
    ];
  } finally {
    await db.drop();
  }
}
