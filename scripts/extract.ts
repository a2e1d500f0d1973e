/**
 * A module leaves the monolith as its own service project.
 *
 *   npm run extract -- <module> --out <dir>            write the service project; the monolith is untouched
 *   npm run extract -- <module> --out <dir> --apply    also remove the module's implementation from the monolith
 *   npm run extract -- <module> --undo --from <dir>    bring an applied extraction back from the service's folder
 *   npm run extract -- --status                        each module: extractable, or why not
 *   npm run extract -- --all --out <dir>               every extractable module into <dir>/<module>
 *
 * Refuses, naming the file and import, a module that imports another module's internals, reads
 * another module's tables or needs a module that would then be hosted nowhere.
 */
import '@hono/zod-openapi';
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { OPERATOR_ROLE } from '../src/app.ts';
import { modules } from '../src/modules.ts';
import { applyExtraction, definitionExport, kernelDrift, outsideUsers, undoExtraction } from './extract/apply.ts';
import { serviceComposition } from './extract/composition.ts';
import { publicExports } from './extract/declarations.ts';
import { planExtraction, type ExtractionPlan } from './extract/plan.ts';
import { writeProject } from './extract/project.ts';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const flag = (f: string) => args.includes(f);
const option = (f: string) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : undefined;
};
const name = args.find((a, i) => !a.startsWith('--') && !['--out', '--from'].includes(args[i - 1] ?? ''));

/** Reading another module's tables is an architecture rule the linter already checks; its findings are refusals. */
async function tableRefusals(moduleName: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const results = await eslint.lintFiles([`src/modules/${moduleName}/**/*.ts`]);
  return results.flatMap((r) =>
    r.messages.filter((msg) => msg.ruleId?.startsWith('architecture/')).map((msg) => `${path.relative(root, r.filePath)}:${msg.line}: ${msg.message} (${msg.ruleId})`),
  );
}

async function plan(moduleName: string): Promise<{ plan: ExtractionPlan; generated: Map<string, string> }> {
  let generated = new Map<string, string>();
  const result = await planExtraction(root, modules, moduleName, (input) => (generated = serviceComposition(root, input, OPERATOR_ROLE, definitionExport(root, moduleName))));
  result.refusals.push(...(await tableRefusals(moduleName)));
  return { plan: result, generated };
}

function refuse(moduleName: string, reasons: string[]): never {
  console.error(`${moduleName} cannot be extracted:\n  ${reasons.join('\n  ')}`);
  process.exit(1);
}

async function main(): Promise<void> {
  if (flag('--status')) {
    for (const m of modules) {
      if (m.hostedElsewhere) {
        console.log(`${m.name}: extracted (runs as its own service)`);
        continue;
      }
      const { plan: p } = await plan(m.name);
      if (p.refusals.length > 0) {
        console.log(`${m.name}: not extractable\n  ${p.refusals.join('\n  ')}`);
        continue;
      }
      const users = outsideUsers(root, m.name);
      console.log(`${m.name}: extractable (${p.tests.included.length} of its tests go along, ${p.tests.left.length} stay)`);
      if (users.length > 0) console.log(`  --apply first needs these files to stop importing its implementation:\n    ${users.join('\n    ')}`);
    }
    return;
  }
  if (flag('--all')) {
    // Every module into <dir>/<module>, or the reason it cannot go: the README's status table comes from this.
    const dir = option('--out');
    if (!dir) refuse('--all', ['--out <dir> is required']);
    for (const m of modules.filter((d) => !d.hostedElsewhere)) {
      const { plan: p, generated } = await plan(m.name);
      if (p.refusals.length > 0) console.log(`${m.name}: not extractable\n  ${p.refusals.join('\n  ')}`);
      else console.log(`${m.name}: wrote ${writeProject(root, path.resolve(dir, m.name), p, generated).length} files`);
    }
    return;
  }
  if (!name) {
    console.error('usage: npm run extract -- <module> --out <dir> [--apply] | <module> --undo --from <dir> | --status');
    process.exit(2);
  }
  if (flag('--undo')) {
    const from = option('--from');
    if (!from) refuse(name, ['--undo needs --from <the extracted service folder>']);
    const restored = undoExtraction(root, name, path.resolve(from));
    const drift = kernelDrift(root, path.resolve(from));
    console.log(`${name} is hosted by the monolith again (${restored.length} files restored from ${from}).`);
    if (drift.length) console.log(`The service changed kernel files, which were not copied back:\n  ${drift.join('\n  ')}`);
    execFileSync('npx', ['tsx', 'scripts/docs-modules.ts'], { cwd: root, stdio: 'inherit' });
    return;
  }
  const out = option('--out');
  if (!out) refuse(name, ['--out <dir> is required: the folder the service project is written to']);
  const { plan: p, generated } = await plan(name);
  if (p.refusals.length > 0) refuse(name, p.refusals);
  if (flag('--apply')) {
    const users = outsideUsers(root, name);
    if (users.length > 0) refuse(name, users.map((u) => `--apply would break ${u}`));
  }
  const target = path.resolve(out);
  const written = writeProject(root, target, p, generated);
  if (!flag('--no-lock')) {
    // Start from the monolith's lockfile so every package keeps its pinned version; npm prunes the rest.
    copyFileSync(path.join(root, 'package-lock.json'), path.join(target, 'package-lock.json'));
    execFileSync('npm', ['install', '--package-lock-only', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: target, stdio: 'inherit' });
  }
  console.log(`wrote ${written.length} files to ${out}: ${name}, ${p.copied.filter((f) => f.startsWith('src/shared/')).length} kernel files, public entries of ${[...new Set(p.copied.filter((f) => /^src\/modules\/[^/]+\/index\.ts$/.test(f)).map((f) => f.split('/')[2]))].filter((m) => m !== name).join(', ') || 'no other module'}`);
  console.log(`tests: ${p.tests.included.length} go along${p.tests.left.length ? `; left behind: ${p.tests.left.map((t) => `${path.basename(t.file)} (${t.reason})`).join(', ')}` : ''}`);
  if (flag('--apply')) {
    const changed = applyExtraction(root, p.module, await publicExports(modules, root), target);
    execFileSync('npx', ['tsx', 'scripts/docs-modules.ts'], { cwd: root, stdio: 'inherit' });
    console.log(`the monolith no longer hosts ${name}: ${changed.join(', ')}`);
  }
}

await main();
