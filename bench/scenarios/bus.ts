import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchContext, Scenario } from '../lib/context.ts';
import { runScript } from '../lib/child.ts';
import type { Row } from '../lib/report.ts';
import { removeDir, ROOT, tempDir } from '../lib/server.ts';
import { median } from '../lib/stats.ts';

const WORKER = path.join(ROOT, 'bench', 'fixture', 'bus-worker.ts');
const PEER = path.join(ROOT, 'bench', 'fixture', 'peer-worker.ts');
const BUS_ON_POSTGRES = 'in-process bus, outbox on Postgres';
const GRAPHILE_BATCHED = 'graphile-worker, local queue 500 and batched completions';
/** The bus's handlers run BUS_CONCURRENCY (16) at once by default; the peers get the same. */
const CONCURRENCY = 16;

const versionOf = (pkg: string) => (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

interface Contender {
  name: string;
  note?: string;
  run(): Promise<RoundResult[]>;
  drop?(): Promise<void>;
}

/**
 * Queues people would pick instead, each on its own database of the bench Postgres (dropped
 * after), with the same envelopes, producers and concurrency: what exactly-once effects cost
 * next to at-least-once jobs whose effect is not committed with their completion.
 */
async function peers(ctx: BenchContext, events: number): Promise<Contender[]> {
  const modes = [
    { mode: 'graphile', name: 'graphile-worker, defaults', note: `graphile-worker ${versionOf('graphile-worker')}, LISTEN/NOTIFY, one job fetched per worker slot` },
    { mode: 'graphile-batched', name: GRAPHILE_BATCHED, note: `graphile-worker ${versionOf('graphile-worker')}, localQueue.size 500, completeJobBatchDelay 0` },
    { mode: 'pg-boss', name: 'pg-boss, 500 jobs a fetch', note: `pg-boss ${versionOf('pg-boss')}, one fetch loop, batchSize 500 run 16 at a time, 0.5 s polling (its minimum)` },
  ] as const;
  const out: Contender[] = [];
  for (const m of modes) {
    const db = await ctx.freshDatabase(`peer_${m.mode.replaceAll('-', '_')}`);
    const peerPlan = { mode: m.mode, events, rounds: 1, producers: PRODUCERS, batch: BATCH, concurrency: CONCURRENCY };
    out.push({ name: m.name, note: m.note, run: () => runScript<RoundResult>(PEER, peerPlan, { DATABASE_URL: db.url }), drop: () => db.drop() });
  }
  return out;
}
const PRODUCERS = 8;
const BATCH = 10;

interface RoundResult {
  round: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

/**
 * Event bus throughput: a fixture module publishes N events (8 producers, 10 events per unit of
 * work) and one subscription records each in its own inbox transaction; the clock runs from the
 * first publish to the last handled event.
 */
export const busScenario: Scenario = {
  name: 'bus',
  async run(ctx: BenchContext): Promise<Row[]> {
    const events = ctx.smoke ? 300 : 5000;
    const plan = (mode: 'bus' | 'raw-bullmq', rounds: number) => ({ mode, events, rounds, producers: PRODUCERS, batch: BATCH });
    const row = (name: string, rs: RoundResult[], extra: Partial<Row> = {}): Row => ({
      scenario: 'bus',
      name,
      unit: 'events/s',
      median: median(rs.map((r) => r.eventsPerSecond)),
      rounds: rs.map((r) => Math.round(r.eventsPerSecond)),
      note: `${events} events per round`,
      ...extra,
    });
    const rows: Row[] = [];

    const dir = tempDir('cafe-bench-bus');
    try {
      const rs = await runScript<RoundResult>(WORKER, plan('bus', ctx.rounds), { DATA_DIR: dir, EVENT_TRANSPORT: 'inprocess' });
      ctx.log(`  in-process, PGlite: ${rs.map((r) => Math.round(r.eventsPerSecond)).join(', ')} events/s`);
      rows.push(row('in-process bus, outbox on PGlite (embedded, data folder)', rs));
    } finally {
      removeDir(dir);
    }

    const db = await ctx.freshDatabase('bus');
    try {
      // The outbox bus and its peers on the same Postgres, one process each per round, in an order that rotates.
      const contenders = [
        { name: BUS_ON_POSTGRES, run: () => runScript<RoundResult>(WORKER, plan('bus', 1), { DATABASE_URL: db.url, EVENT_TRANSPORT: 'inprocess' }) },
        ...(await peers(ctx, events)),
      ];
      const results = new Map<string, RoundResult[]>(contenders.map((c) => [c.name, []]));
      try {
        for (let round = 0; round < ctx.rounds; round++) {
          for (let i = 0; i < contenders.length; i++) {
            const c = contenders[(i + round) % contenders.length]!;
            results.get(c.name)!.push(...(await c.run()));
          }
          ctx.log(`  ${contenders.map((c) => `${c.name}: ${Math.round(results.get(c.name)!.at(-1)!.eventsPerSecond)}`).join('; ')} events/s`);
        }
      } finally {
        for (const c of contenders) await c.drop?.();
      }
      rows.push(row(BUS_ON_POSTGRES, results.get(BUS_ON_POSTGRES)!, { baseline: GRAPHILE_BATCHED, target: '>= 5,000 events/s, and >= 1 x batched graphile-worker' }));
      for (const c of contenders.slice(1)) rows.push(row(c.name, results.get(c.name)!, { note: `${events} events per round; ${c.note}` }));

      if (!existsSync(path.join(ROOT, 'src', 'shared', 'bus', 'bullmq-transport.ts'))) {
        rows.push({ scenario: 'bus', name: 'BullMQ transport', unit: '', skipped: 'skipped: the BullMQ transport is not present' });
      } else {
        // Transport and raw baseline alternate, one process each per round, on fresh Redis key prefixes.
        const transport: RoundResult[] = [];
        const raw: RoundResult[] = [];
        for (let round = 0; round < ctx.rounds; round++) {
          const redis = { REDIS_URL: ctx.redisUrl };
          transport.push(
            ...(await runScript<RoundResult>(WORKER, plan('bus', 1), { ...redis, DATABASE_URL: db.url, EVENT_TRANSPORT: 'bullmq', BULLMQ_PREFIX: `bench-bus-${process.pid}-${round}` })),
          );
          raw.push(...(await runScript<RoundResult>(WORKER, plan('raw-bullmq', 1), { ...redis, BULLMQ_PREFIX: `bench-raw-${process.pid}-${round}` })));
          ctx.log(`  BullMQ transport ${Math.round(transport.at(-1)!.eventsPerSecond)}, raw BullMQ ${Math.round(raw.at(-1)!.eventsPerSecond)} events/s`);
        }
        rows.push(
          row('BullMQ transport (outbox on Postgres, inbox per delivery)', transport, { baseline: 'raw BullMQ add + process, same payloads', target: '>= 0.5 x raw BullMQ' }),
          row('raw BullMQ add + process, same payloads', raw),
        );
      }
    } finally {
      await db.drop();
    }
    return rows;
  },
};
