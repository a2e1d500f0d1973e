import type { BenchContext, Scenario } from '../lib/context.ts';
import { runLoad } from '../lib/load.ts';
import type { Row } from '../lib/report.ts';
import { buildDist, removeDir, startProject, tempDir, type Runner } from '../lib/server.ts';
import { median } from '../lib/stats.ts';

/**
 * Memory and start-up of the embedded default (no DATABASE_URL, no Redis): cold start on a fresh
 * data folder (started from the build's data template, migrated and seeded, as `npm start` does),
 * warm restart on the same folder, idle RSS after start, and peak RSS under read load. Both ways
 * of starting are measured: `tsx` (`npm run dev`, Deno-like) and the esbuild bundle (`npm start`).
 * Then the bundle once more against real Postgres, where the target for idle RSS applies as is.
 */
export const footprintScenario: Scenario = {
  name: 'footprint',
  async run(ctx: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    // What `npm start` runs first; a no-op when the build is current.
    buildDist();
    const idleWaitMs = ctx.smoke ? 500 : 5000;
    for (const runner of ['dist', 'tsx'] as Runner[]) {
      const cold: number[] = [];
      const firstAnswer: number[] = [];
      const slowestAnswer: number[] = [];
      const warm: number[] = [];
      const idle: number[] = [];
      const loaded: number[] = [];
      for (let round = 0; round < ctx.rounds; round++) {
        const dir = tempDir('cafe-bench-footprint');
        try {
          const first = await startProject({ runner, env: { DATA_DIR: dir } });
          cold.push(first.readyMs);
          firstAnswer.push(first.firstAnswerMs);
          slowestAnswer.push(first.slowestAnswerMs);
          await first.stop();
          const again = await startProject({ runner, env: { DATA_DIR: dir } });
          warm.push(again.readyMs);
          await new Promise((r) => setTimeout(r, idleWaitMs));
          idle.push(again.rssMb());
          let peak = 0;
          const sampler = setInterval(() => (peak = Math.max(peak, again.rssMb())), 100);
          await runLoad({ url: `${again.url}/api/catalog/items`, connections: 64, durationSeconds: ctx.seconds });
          clearInterval(sampler);
          loaded.push(Math.max(peak, again.rssMb()));
          await again.stop();
          ctx.log(`  ${runner}: cold ${Math.round(cold.at(-1)!)} ms, warm ${Math.round(warm.at(-1)!)} ms, idle ${idle.at(-1)!.toFixed(0)} MB, loaded ${loaded.at(-1)!.toFixed(0)} MB`);
        } finally {
          removeDir(dir);
        }
      }
      const how = runner === 'tsx' ? 'tsx (npm run dev)' : 'bundle (npm start)';
      rows.push(
        { scenario: 'footprint', name: `cold start, fresh data folder, ${how}`, unit: 'ms', median: median(cold), rounds: cold.map(Math.round), target: '<= 2,000 ms' },
        {
          scenario: 'footprint',
          name: `first answer on the port, cold start, ${how}`,
          unit: 'ms',
          median: median(firstAnswer),
          rounds: firstAnswer.map(Math.round),
          note: 'spawn to the first HTTP answer of any status: /health/live answers from then on',
        },
        {
          scenario: 'footprint',
          name: `slowest answer while starting, cold start, ${how}`,
          unit: 'ms',
          median: median(slowestAnswer),
          rounds: slowestAnswer.map(Math.round),
          note: 'the longest one request waited, polling every 5 ms until ready: how long the start held the event loop',
        },
        { scenario: 'footprint', name: `warm restart, existing folder, ${how}`, unit: 'ms', median: median(warm), rounds: warm.map(Math.round), target: '<= 2,000 ms' },
        { scenario: 'footprint', name: `RSS idle, ${how}`, unit: 'MB', median: median(idle), rounds: idle.map(Math.round), target: '<= 150 MB' },
        { scenario: 'footprint', name: `RSS peak under read load (64 conns), ${how}`, unit: 'MB', median: median(loaded), rounds: loaded.map(Math.round) },
      );
    }
    rows.push(...(await onPostgres(ctx, idleWaitMs)));
    return rows;
  },
};

/**
 * The same process against real Postgres (`DATABASE_URL`, the in-process bus): start to ready on a
 * new database (every module's migrations run), a restart on it, and idle RSS, which is the
 * process alone with PGlite out of it. The bundle only: `tsx` adds the same on both.
 */
async function onPostgres(ctx: BenchContext, idleWaitMs: number): Promise<Row[]> {
  const first: number[] = [];
  const again: number[] = [];
  const idle: number[] = [];
  for (let round = 0; round < ctx.rounds; round++) {
    const db = await ctx.freshDatabase(`footprint_${round}`);
    try {
      const env = { DATABASE_URL: db.url, EVENT_TRANSPORT: 'inprocess' };
      const migrating = await startProject({ env });
      first.push(migrating.readyMs);
      await migrating.stop();
      const server = await startProject({ env });
      again.push(server.readyMs);
      await new Promise((r) => setTimeout(r, idleWaitMs));
      idle.push(server.rssMb());
      await server.stop();
      ctx.log(`  bundle on Postgres: new database ${Math.round(first.at(-1)!)} ms, restart ${Math.round(again.at(-1)!)} ms, idle ${idle.at(-1)!.toFixed(0)} MB`);
    } finally {
      await db.drop();
    }
  }
  return [
    { scenario: 'footprint', name: 'start to ready, new Postgres database (migrations run), bundle', unit: 'ms', median: median(first), rounds: first.map(Math.round) },
    { scenario: 'footprint', name: 'restart to ready, existing Postgres database, bundle', unit: 'ms', median: median(again), rounds: again.map(Math.round), target: '<= 2,000 ms' },
    { scenario: 'footprint', name: 'RSS idle on Postgres, bundle', unit: 'MB', median: median(idle), rounds: idle.map(Math.round), target: '<= 150 MB' },
  ];
}
