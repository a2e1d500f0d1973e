/**
 * What extracting one module takes: the files its code reaches (its own, the kernel files it
 * uses, the public entries of its neighbours), its tests that stand alone, the packages it
 * imports at the monolith's pinned versions, and every reason it cannot leave.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { filesUnder } from '../files.ts';
import { neighbourDeclaration, publicExports, type Declaration } from './declarations.ts';
import { SourceGraph } from './graph.ts';

export interface ExtractionPlan {
  module: ModuleDefinition;
  neighbours: { definition: ModuleDefinition; declaration: Declaration }[];
  /** Files copied from the monolith, project-relative. */
  copied: string[];
  tests: { included: string[]; left: { file: string; reason: string }[] };
  /** The module's files the service does not take (tests that need other modules): kept aside for --undo. */
  stayingBehind: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  refusals: string[];
}

export const COMPOSITION = ['src/modules.ts', 'src/app.ts', 'src/main.ts'];
/** Tooling the service keeps from the monolith as it is. */
const TOOLING = ['eslint.config.js', 'vitest.config.ts', 'scripts/migrate.ts', 'scripts/contract.ts'];
/** Command-line tools its scripts run (imported by no file, so the graph cannot see them). */
const TOOLS = ['typescript', 'eslint', 'tsx', 'esbuild', '@types/node', 'drizzle-kit', 'vitest'];

export { filesUnder };

const isTest = (rel: string) => /\/test\//.test(rel) || rel.endsWith('.test.ts');

export async function planExtraction(root: string, modules: readonly ModuleDefinition[], name: string, generated: (plan: Pick<ExtractionPlan, 'module' | 'neighbours'>) => Map<string, string>): Promise<ExtractionPlan> {
  const module = modules.find((m) => m.name === name);
  if (!module) throw new Error(`"${name}" is not a module of this monolith (modules: ${modules.map((m) => m.name).join(', ')})`);
  const refusals: string[] = [];
  if (module.hostedElsewhere) refusals.push(`${name} was already extracted: src/modules/${name} holds only its public declaration`);
  for (const c of module.requires) {
    const provider = modules.find((m) => m.name === c.module);
    if (!provider) refusals.push(`${name} calls the ${c.module} API, which no module of this monolith provides: it would be hosted nowhere`);
  }
  const names = await publicExports(modules, root);
  const neighbours = modules.flatMap((m) => {
    if (m === module) return [];
    const declaration = neighbourDeclaration(m, module, names);
    return declaration ? [{ definition: m, declaration }] : [];
  });
  const virtual = generated({ module, neighbours });
  const graph = new SourceGraph(root, virtual);

  // Where an import may lead, and why not when it may not.
  const verdict = (from: string, to: string): string | undefined => {
    if (!graph.exists(to)) return `${from} imports ${to}, which does not exist`;
    if (COMPOSITION.includes(to) || to.startsWith('src/shared/')) return undefined;
    const target = /^src\/modules\/([^/]+)\/(.+)$/.exec(to);
    if (target) {
      const [, owner, inner] = target;
      if (owner === name) return isTest(to) && !isTest(from) ? `${from} imports test code ${to}` : undefined;
      if (inner === 'index.ts') return undefined;
      return `${from} imports ${to}: ${owner}'s internals, not its public entry (src/modules/${owner}/index.ts)`;
    }
    if (to.startsWith('test/') && isTest(from)) return undefined;
    if (to.startsWith('test/') && from.startsWith('test/')) return undefined;
    return `${from} imports ${to}, which is outside the module, the kernel and the public entries`;
  };
  const reasons = new Map<string, string>();
  const follow = (from: string, to: string) => {
    const why = verdict(from, to);
    if (why) reasons.set(`${from}→${to}`, why);
    return !why;
  };

  const moduleFiles = filesUnder(root, `src/modules/${name}`).filter((f) => f.endsWith('.ts'));
  const runtimeRoots = [...moduleFiles.filter((f) => !isTest(f)), ...COMPOSITION];
  const runtime = graph.closure(runtimeRoots, follow);
  for (const r of runtime.refused) refusals.push(reasons.get(`${r.from}→${r.target}`) ?? `${r.from} imports ${r.specifier}`);
  for (const f of runtime.files) {
    const entry = /^src\/modules\/([^/]+)\/index\.ts$/.exec(f);
    if (entry && entry[1] !== name) {
      for (const edge of graph.importsOf(f).files) if (!edge.target.startsWith('src/shared/') && !/^src\/modules\/[^/]+\/index\.ts$/.test(edge.target)) refusals.push(`${f} imports ${edge.specifier}: a public entry must hold contracts only`);
    }
  }

  // A module test goes along when everything it reaches goes along and it needs no other module running.
  const otherMounts = modules.filter((m) => m !== module && m.mountPath).map((m) => ({ name: m.name, mount: m.mountPath! }));
  // The service starts alone in a test only when it neither calls nor hears from another module.
  const partners = [...new Set([...module.requires.map((c) => c.module), ...neighbours.filter((n) => n.declaration.publishes.length > 0).map((n) => n.definition.name)])];
  const alone = partners.length > 0 ? `boots the service, which needs ${partners.join(', ')} running` : undefined;
  const included: string[] = [];
  const left: ExtractionPlan['tests']['left'] = [];
  const testFiles = new Set<string>();
  for (const file of moduleFiles.filter((f) => f.endsWith('.test.ts'))) {
    const text = graph.text(file);
    const closure = graph.closure([file], follow);
    const booted = [...text.matchAll(/moduleNamed\('([a-z0-9-]+)'\)/g)].map((x) => x[1]).find((x) => x !== name);
    const needs = /\b(signUp|adminToken)\(/.test(text)
      ? 'signs accounts up through identity'
      : booted
        ? `boots ${booted} beside it`
      : /\bstartTestApp\(/.test(text) && alone
        ? alone
        : otherMounts.find((o) => text.includes(`'${o.mount}`) || text.includes(`\`${o.mount}`))?.name;
    if (closure.refused.length > 0) left.push({ file, reason: reasons.get(`${closure.refused[0]!.from}→${closure.refused[0]!.target}`) ?? 'reaches outside the module' });
    else if (needs) left.push({ file, reason: needs.includes(' ') ? needs : `calls ${needs}'s routes` });
    else {
      included.push(file);
      for (const f of closure.files) testFiles.add(f);
    }
  }
  const generatedTests = [...virtual.keys()].filter((f) => f.endsWith('.test.ts'));
  for (const f of graph.closure(generatedTests, follow).files) testFiles.add(f);
  const tooling = graph.closure(TOOLING.filter((f) => graph.exists(f)), (from, to) => !to.startsWith('src/modules/') || follow(from, to));
  const eslintRules = filesUnder(root, 'eslint-rules');

  const copied = new Set<string>([...runtime.files, ...testFiles, ...tooling.files, ...eslintRules, ...filesUnder(root, `migrations/${name}`)]);
  for (const v of virtual.keys()) copied.delete(v);

  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const pinned = (pkg: string) => {
    const version = lock.packages[`node_modules/${pkg}`]?.version;
    if (!version) throw new Error(`${pkg} is imported but not in package-lock.json`);
    return version;
  };
  const runtimePackages = graph.packagesOf(runtime.files);
  const devPackages = new Set([...graph.packagesOf([...testFiles, ...tooling.files, ...eslintRules]), ...TOOLS]);
  const sortedPins = (names: Iterable<string>) => Object.fromEntries([...names].sort().map((p) => [p, pinned(p)]));
  return {
    module,
    neighbours,
    copied: [...copied].sort(),
    stayingBehind: filesUnder(root, `src/modules/${name}`).filter((f) => !copied.has(f) && !virtual.has(f)),
    tests: { included: included.sort(), left },
    dependencies: sortedPins(runtimePackages),
    devDependencies: sortedPins([...devPackages].filter((p) => !runtimePackages.has(p))),
    refusals: [...new Set(refusals)],
  };
}
