/**
 * Mutation testing with Stryker over every module's domain rules, or only the modules named:
 * `npm run test:mutation -- payments catalog`. Configuration: stryker.config.mjs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const all = readdirSync(new URL('../src/modules', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((m) => !all.includes(m));
if (unknown.length > 0) {
  console.error(`Unknown module(s): ${unknown.join(', ')}. Modules: ${all.join(', ')}`);
  process.exit(2);
}
try {
  execFileSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, MUTATION_MODULES: wanted.join(',') } });
} catch {
  process.exit(1);
}
