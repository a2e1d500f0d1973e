/** Runs drizzle-kit generate for every module (or the ones named) into migrations/<module>/. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const all = readdirSync(new URL('../src/modules', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const module of wanted.length > 0 ? wanted : all) {
  console.log(`-- ${module}`);
  execFileSync('npx', ['drizzle-kit', 'generate', '--config', 'drizzle.config.ts'], { stdio: 'inherit', env: { ...process.env, MODULE: module } });
}
