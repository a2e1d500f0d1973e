import path from 'node:path';
import postgres from 'postgres';
import { runScript } from '../lib/child.ts';
import { skipped, type BenchContext, type Scenario } from '../lib/context.ts';
import { orderLines, signUp } from '../lib/customers.ts';
import type { LoadOutcome } from '../lib/load.ts';
import { interleaved, type Target } from '../lib/measure.ts';
import type { Row } from '../lib/report.ts';
import { ROOT, settle, startProject, type RunningServer } from '../lib/server.ts';

const CONNECTIONS = 64;
const POOL = 10; // DATABASE_POOL_SIZE's default: each module's pool

/**
 * Orders accepted per second (202) on real Postgres: customer token, validation, catalog pricing,
 * one transaction with the order, its saga row and the outbox. Baseline: the same statements
 * through postgres.js directly, on a second database migrated the same way, so the project's
 * background saga work never overlaps the baseline's rounds.
 */
export const writeScenario: Scenario = {
  name: 'write',
  async run(ctx: BenchContext): Promise<Row[]> {
    if (!ctx.modules.has('ordering')) return [skipped('write', 'POST /api/orders', 'skipped: module ordering not present')];
    const db = await ctx.freshDatabase('write');
    const direct = await ctx.freshDatabase('write_sql');
    const ref = ctx.against;
    const refDb = ref ? await ctx.freshDatabase('write_ref') : undefined;
    let server: RunningServer | undefined;
    let earlier: RunningServer | undefined;
    try {
      // The bench signs up its customers from one address: the sign-up limits would refuse them.
      const env: Record<string, string> = { SEED_DEMO_MENU: 'true', PASSWORD_HASH_COST: '10', AUTH_RATE_LIMIT_PER_IP: '1000000', AUTH_RATE_LIMIT_PER_ACCOUNT: '1000000' };
      // Two servers of seven module pools each would pass Postgres's default 100 connections:
      // with --against both run with half the pools, said in the log.
      if (ref) {
        env['DATABASE_POOL_SIZE'] = String(POOL / 2);
        ctx.log(`  --against: both servers run with DATABASE_POOL_SIZE=${POOL / 2} to stay under max_connections`);
      }
      // Migrate and seed the baseline's database with the same code, then leave it without a server.
      const migrator = await startProject({ env: { ...env, DATABASE_URL: direct.url } });
      await migrator.stop();
      server = await startProject({ env: { ...env, DATABASE_URL: db.url } });
      const customers = await signUp(server, CONNECTIONS);
      const items = await orderLines(server);
      const directItems = await seededLines(direct.url);
      const body = JSON.stringify({ items });
      const s = server;
      const targets: Target[] = [
        {
          name: 'POST /api/orders (202 accepted)',
          plan: {
            url: `${server.url}/api/orders`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            variants: customers.map((c) => ({ headers: { authorization: `Bearer ${c.token}` } })),
            uniqueHeader: 'idempotency-key',
          },
          pid: server.pid,
          // Each order starts a saga (a charge that is declined: the customers have no funds);
          // let it finish before the baseline runs.
          after: () => settle(s),
        },
        {
          name: 'same statements via postgres.js',
          run: async (seconds, connections) =>
            (
              await runScript<LoadOutcome>(path.join(ROOT, 'bench', 'baselines', 'direct-sql.ts'), {
                url: direct.url,
                seconds,
                connections,
                pool: POOL,
                customers: customers.map((c) => c.id),
                items: directItems,
              }, {})
            )[0]!,
        },
      ];
      const [projectT, directT] = targets as [Target, Target];
      if (ref && refDb) {
        // --against: the earlier commit on a database of its own, its customers signed up the same way.
        earlier = await startProject({ env: { ...env, DATABASE_URL: refDb.url }, name: `project-${ref.commit}`, build: ref });
        const e = earlier;
        const theirs = await signUp(e, CONNECTIONS);
        const plan = { ...projectT.plan!, url: `${e.url}/api/orders`, body: JSON.stringify({ items: await orderLines(e) }), variants: theirs.map((c) => ({ headers: { authorization: `Bearer ${c.token}` } })) };
        targets.push({ name: `POST /api/orders at ${ref.commit}`, plan, pid: e.pid, after: () => settle(e) });
      }
      return await interleaved(ctx, 'write', targets, CONNECTIONS, (t) =>
        t === projectT ? { baseline: directT.name, target: '>= 0.6 x direct SQL', unit: 'orders/s' }
        : t === directT ? { unit: 'orders/s' }
        : { baseline: projectT.name, unit: 'orders/s' },
      );
    } finally {
      await earlier?.stop();
      await refDb?.drop();
      await server?.stop();
      await db.drop();
      await direct.drop();
    }
  },
};

/** The first two available items of a database that has no server (ids differ per database). */
async function seededLines(url: string): Promise<{ itemId: string; quantity: number }[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const rows = await sql`select id from catalog.items where available order by name, id limit 2`;
  await sql.end();
  return rows.map((r, i) => ({ itemId: r['id'] as string, quantity: i + 1 }));
}
