/**
 * `npm run bench [-- <scenario>...] [--smoke] [--against <ref>]`: runs each scenario against the
 * project and its baseline in the same run, prints a table and writes bench/results.json.
 * `--against <ref>` also builds that commit and measures it in the same rounds (read, write).
 * BENCH_SMOKE=1 (or --smoke) runs every scenario for about a second: it keeps the script working
 * in CI and proves nothing about speed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDatabase, type BenchContext, type Scenario } from './lib/context.ts';
import { buildRef } from './lib/against.ts';
import { machineInfo } from './lib/machine.ts';
import { formatTable, withRatios, type Results, type Row } from './lib/report.ts';
import { ROOT } from './lib/server.ts';
import { busScenario } from './scenarios/bus.ts';
import { footprintScenario } from './scenarios/footprint.ts';
import { readScenario } from './scenarios/read.ts';
import { sagaScenario } from './scenarios/saga.ts';
import { writeScenario } from './scenarios/write.ts';

const scenarios: Scenario[] = [readScenario, writeScenario, busScenario, sagaScenario, footprintScenario];

const args = process.argv.slice(2);
const smoke = args.includes('--smoke') || ['1', 'true'].includes(process.env['BENCH_SMOKE'] ?? '');
const againstAt = args.indexOf('--against');
const againstRef = againstAt >= 0 ? args[againstAt + 1] : undefined;
if (againstAt >= 0 && (!againstRef || againstRef.startsWith('--'))) {
  console.error('--against needs a git ref (a commit, branch or tag) to compare with');
  process.exit(2);
}
const wanted = args.filter((a, i) => !a.startsWith('--') && !(againstAt >= 0 && i === againstAt + 1));
const unknown = wanted.filter((w) => !scenarios.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`Unknown scenario ${unknown.join(', ')}; choose from ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

/** Module folders the composition root imports; read as text so a half-built module cannot crash the runner. */
function presentModules(): Set<string> {
  const source = readFileSync(path.join(ROOT, 'src', 'modules.ts'), 'utf8');
  return new Set([...source.matchAll(/from '\.\/modules\/([\w-]+)\/module\.ts'/g)].map((m) => m[1]!));
}

const postgresUrl = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const ctx: BenchContext = {
  smoke,
  rounds: Number(process.env['BENCH_ROUNDS'] ?? (smoke ? 1 : 3)),
  seconds: Number(process.env['BENCH_SECONDS'] ?? (smoke ? 2 : 10)),
  modules: presentModules(),
  postgresUrl,
  redisUrl: process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  log: (m) => console.error(`[bench] ${m}`),
  freshDatabase: (label) => createDatabase(postgresUrl, label),
};

if (againstRef) ctx.against = buildRef(againstRef, ctx.log);
const machine = machineInfo();
ctx.log(`${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GiB, node ${machine.node}; ${ctx.rounds} round(s) of ${ctx.seconds} s${smoke ? ' (smoke)' : ''}`);
const rows: Row[] = [];
let failed = false;
for (const s of scenarios.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  ctx.log(`scenario ${s.name}`);
  try {
    rows.push(...(await s.run(ctx)));
  } catch (err) {
    failed = true;
    console.error(err);
    rows.push({ scenario: s.name, name: 'error', unit: '', skipped: `failed: ${err instanceof Error ? err.message.split('\n')[0]!.slice(0, 160) : String(err)}` });
  }
}
withRatios(rows);
const results: Results = {
  machine,
  smoke,
  settings: { rounds: ctx.rounds, secondsPerMeasurement: ctx.seconds, modules: [...ctx.modules], ...(ctx.against ? { against: `${ctx.against.ref} (${ctx.against.commit})` } : {}) },
  rows,
};
ctx.against?.remove();
writeFileSync(path.join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(formatTable(rows));
console.log(`\nwritten to bench/results.json`);
process.exit(failed ? 1 : 0);
