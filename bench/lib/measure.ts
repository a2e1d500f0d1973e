import { runLoad, type LoadOutcome, type LoadPlan } from './load.ts';
import type { BenchContext } from './context.ts';
import { median } from './stats.ts';
import type { Row } from './report.ts';
import { cpuSeconds } from './server.ts';

export interface Target {
  name: string;
  /** An HTTP target loaded by autocannon... */
  plan?: Omit<LoadPlan, 'durationSeconds' | 'connections'>;
  /** ...or a load of its own kind (e.g. direct SQL), run for the given seconds. */
  run?: (seconds: number, connections: number) => Promise<LoadOutcome>;
  /**
   * The serving process: its CPU time per answered request is recorded beside the rate. Unlike a
   * rate, it hardly moves when other work competes for the cores, so it shows a cost on a busy machine.
   */
  pid?: number;
  /** Called after each measurement, e.g. to let a server finish background work before the next. */
  after?: () => Promise<void>;
}

const measure = (t: Target, seconds: number, connections: number): Promise<LoadOutcome> =>
  t.run ? t.run(seconds, connections) : runLoad({ ...t.plan!, connections, durationSeconds: seconds });

/**
 * Loads each target for `ctx.seconds`, round after round, rotating the order each round so that no
 * target always runs first (or right after a heavy one). Returns one row per target.
 */
export async function interleaved(
  ctx: BenchContext,
  scenario: string,
  targets: Target[],
  connections: number,
  rowOf: (t: Target) => Partial<Row> = () => ({}),
): Promise<Row[]> {
  const outcomes = new Map<string, LoadOutcome[]>(targets.map((t) => [t.name, []]));
  const cpuPerRequest = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  if (!ctx.smoke) {
    // Warm-up: JIT, connection pools and caches settle before anything is recorded.
    for (const t of targets) {
      await measure(t, 2, connections);
      await t.after?.();
    }
  }
  for (let round = 0; round < ctx.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(i + round) % targets.length]!;
      const cpuBefore = t.pid ? cpuSeconds(t.pid) : Number.NaN;
      const o = await measure(t, ctx.seconds, connections);
      if (t.pid && o.ok > 0) cpuPerRequest.get(t.name)!.push(((cpuSeconds(t.pid) - cpuBefore) * 1e6) / o.ok);
      await t.after?.();
      ctx.log(`  ${scenario} ${t.name}: ${Math.round(o.okPerSecond)} ok/s, p99 ${o.latencyP99} ms${o.non2xx || o.errors ? `, ${o.non2xx} non-2xx, ${o.errors} errors` : ''}`);
      outcomes.get(t.name)!.push(o);
    }
  }
  return targets.map((t) => {
    const os = outcomes.get(t.name)!;
    const failures = os.reduce((n, o) => n + o.non2xx + o.errors, 0);
    return {
      scenario,
      name: t.name,
      unit: 'req/s',
      median: median(os.map((o) => o.okPerSecond)),
      p99: median(os.map((o) => o.latencyP99)),
      rounds: os.map((o) => Math.round(o.okPerSecond)),
      ...(cpuPerRequest.get(t.name)!.length > 0 ? { cpuUsPerRequest: median(cpuPerRequest.get(t.name)!) } : {}),
      ...(failures > 0 ? { note: `${failures} non-2xx or failed requests` } : {}),
      ...rowOf(t),
    };
  });
}
