/**
 * The monolith's side of an extraction. `apply` keeps the module's public entry (other modules
 * still compile against it), replaces its implementation with a remote declaration, drops its
 * migrations and points the composition root at the declaration. `undo` brings the service's
 * code back and hosts the module here again.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeContract } from '../../src/shared/contracts/index.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { serviceUrlsVariable } from '../../src/shared/topology.ts';
import { declarationSource, fullDeclaration, importLines, type Named, type Uses } from './declarations.ts';
import { SourceGraph } from './graph.ts';
import { filesUnder } from './plan.ts';
import { STAYED } from './project.ts';

const SOURCE_DIRS = ['src', 'test', 'scripts', 'bench', 'clients'];

/** `paymentsModule`: the name the composition root imports the definition by. */
export function definitionExport(root: string, name: string, file = 'module.ts'): string {
  const text = readFileSync(path.join(root, 'src/modules.ts'), 'utf8');
  const found = new RegExp(`import \\{ (\\w+) \\} from '\\./modules/${name}/${file.replace('.', '\\.')}';`).exec(text);
  if (!found) throw new Error(`src/modules.ts does not import ${name}'s definition from ./modules/${name}/${file}`);
  return found[1]!;
}

/** Files outside the module that import its implementation; they would not compile after `apply`. */
export function outsideUsers(root: string, name: string): string[] {
  const graph = new SourceGraph(root);
  const own = `src/modules/${name}/`;
  const users: string[] = [];
  for (const dir of SOURCE_DIRS.filter((d) => existsSync(path.join(root, d)))) {
    for (const file of filesUnder(root, dir).filter((f) => f.endsWith('.ts') && !f.startsWith(own) && f !== 'src/modules.ts')) {
      for (const edge of graph.importsOf(file).files) if (edge.target.startsWith(own) && edge.target !== `${own}index.ts`) users.push(`${file} imports ${edge.specifier}`);
    }
  }
  return users;
}

export function applyExtraction(root: string, module: ModuleDefinition, names: Map<unknown, Named>, out: string): string[] {
  const name = module.name;
  const users = outsideUsers(root, name);
  if (users.length > 0) throw new Error(`cannot remove ${name}'s implementation; these files use it:\n  ${users.join('\n  ')}`);
  const variable = definitionExport(root, name);
  const uses: Uses = new Map();
  const header = `/**
 * ${name} runs as its own service (extracted to ${path.basename(out)}; \`npm run extract -- ${name} --undo --from <its folder>\`
 * brings it back). This process calls it, routes its paths and its events through this declaration:
 * set ${serviceUrlsVariable(name)} to its instances.
 */
`;
  const body = declarationSource(fullDeclaration(module, names), variable, uses, header);
  const imports = [`import { remoteModule } from '../../shared/index.ts';`, ...importLines(uses, (m) => (m === name ? './index.ts' : `../${m}/index.ts`))];
  const own = path.join(root, 'src/modules', name);
  for (const file of filesUnder(root, `src/modules/${name}`)) if (file !== `src/modules/${name}/index.ts`) rmSync(path.join(root, file));
  rmSync(path.join(own, 'test'), { recursive: true, force: true });
  for (const dir of ['application', 'domain', 'db', 'http']) rmSync(path.join(own, dir), { recursive: true, force: true });
  writeFileSync(path.join(own, 'remote.ts'), `${imports.join('\n')}\n\n${body}`);
  rmSync(path.join(root, 'migrations', name), { recursive: true, force: true });
  const modulesTs = path.join(root, 'src/modules.ts');
  writeFileSync(modulesTs, readFileSync(modulesTs, 'utf8').replace(`from './modules/${name}/module.ts';`, `from './modules/${name}/remote.ts';`));
  mkdirSync(path.join(root, 'contracts'), { recursive: true });
  writeFileSync(path.join(root, 'contracts', `${name}.provider.json`), `${JSON.stringify(describeContract(name, module.provides, module.publishes), null, 2)}\n`);
  return [`src/modules/${name}/remote.ts`, 'src/modules.ts', `contracts/${name}.provider.json`];
}

export function undoExtraction(root: string, name: string, from: string): string[] {
  const own = `src/modules/${name}`;
  if (!existsSync(path.join(root, own, 'remote.ts'))) throw new Error(`${own}/remote.ts is missing: ${name} is not extracted from this monolith`);
  if (!existsSync(path.join(from, own, 'module.ts'))) throw new Error(`${from} holds no ${own}/module.ts: pass --from the extracted service's folder`);
  const variable = definitionExport(root, name, 'remote.ts');
  const restored: string[] = [];
  const bring = (base: string, dir: string) => {
    if (!existsSync(path.join(base, dir))) return;
    for (const rel of filesUnder(base, dir)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      copyFileSync(path.join(base, rel), path.join(root, rel));
      restored.push(rel);
    }
  };
  bring(from, own);
  bring(from, `migrations/${name}`);
  // The tests that needed the rest of the monolith waited beside the service.
  bring(path.join(from, STAYED), own);
  rmSync(path.join(root, own, 'remote.ts'));
  rmSync(path.join(root, 'contracts', `${name}.provider.json`), { force: true });
  const modulesTs = path.join(root, 'src/modules.ts');
  writeFileSync(modulesTs, readFileSync(modulesTs, 'utf8').replace(`import { ${variable} } from './modules/${name}/remote.ts';`, `import { ${variable} } from './modules/${name}/module.ts';`));
  return restored;
}

/** Kernel files the service changed since extraction: undo brings the module back, not kernel edits. */
export function kernelDrift(root: string, from: string): string[] {
  return filesUnder(from, 'src/shared').filter((f) => !existsSync(path.join(root, f)) || readFileSync(path.join(root, f), 'utf8') !== readFileSync(path.join(from, f), 'utf8'));
}

