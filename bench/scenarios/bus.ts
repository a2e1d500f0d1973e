import { existsSync } from 'node:fs';
import path from 'node:path';
import type { BenchContext, Scenario } from '../lib/context.ts';
import { runScript } from '../lib/child.ts';
import type { Row } from '../lib/report.ts';
import { removeDir, ROOT, tempDir } from '../lib/server.ts';
import { median } from '../lib/stats.ts';

const WORKER = path.join(ROOT, 'bench', 'fixture', 'bus-worker.ts');
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
      const rs = await runScript<RoundResult>(WORKER, plan('bus', ctx.rounds), { DATABASE_URL: db.url, EVENT_TRANSPORT: 'inprocess' });
      ctx.log(`  in-process, Postgres: ${rs.map((r) => Math.round(r.eventsPerSecond)).join(', ')} events/s`);
      rows.push(row('in-process bus, outbox on Postgres', rs, { target: '>= 5,000 events/s' }));

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
          row('BullMQ transport (outbox on Postgres, inbox per delivery)', transport, { baseline: 'raw BullMQ add + process, same payloads', target: '>= 0.8 x raw BullMQ' }),
          row('raw BullMQ add + process, same payloads', raw),
        );
      }
    } finally {
      await db.drop();
    }
    return rows;
  },
};
