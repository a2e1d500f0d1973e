/**
 * What one module's neighbours must know of it, and it of them, written as source: the remote
 * declarations (`remoteModule({...})`) of a composition root. Read from the live definitions,
 * with every contract named by the export it has in its module's public entry.
 */
import '@hono/zod-openapi';
import type { ModuleDefinition } from '../../src/shared/module.ts';

export interface Named {
  module: string;
  exportName: string;
}

/** Contract objects (APIs and events) → the public-entry export that defines them. */
export async function publicExports(modules: readonly ModuleDefinition[], root: string): Promise<Map<unknown, Named>> {
  const names = new Map<unknown, Named>();
  for (const m of modules) {
    const entry: Record<string, unknown> = await import(`${root}/src/modules/${m.name}/index.ts`);
    for (const [exportName, value] of Object.entries(entry)) if (value && typeof value === 'object' && !names.has(value)) names.set(value, { module: m.name, exportName });
  }
  return names;
}

export interface Declaration {
  name: string;
  mountPath?: string;
  provides?: Named;
  requires: Named[];
  publishes: Named[];
  subscribesTo: [string, Named][];
}

function named(names: Map<unknown, Named>, value: unknown, what: string): Named {
  const found = names.get(value);
  if (!found) throw new Error(`${what} is not exported by any module's public entry (index.ts)`);
  return found;
}

/** The whole public declaration of a module, as the monolith keeps it once the module has left. */
export function fullDeclaration(m: ModuleDefinition, names: Map<unknown, Named>): Declaration {
  return {
    name: m.name,
    mountPath: m.mountPath,
    provides: m.provides ? named(names, m.provides, `${m.name}'s API`) : undefined,
    requires: m.requires.map((c) => named(names, c, `an API ${m.name} requires`)),
    publishes: m.publishes.map((e) => named(names, e, `an event ${m.name} publishes`)),
    subscribesTo: Object.entries(m.subscribesTo).map(([sub, e]) => [sub, named(names, e, `the event of ${sub}`)] as [string, Named]),
  };
}

/**
 * What the extracted service needs of a neighbour: its API if the service calls it, the events it
 * publishes that the service consumes, and its subscriptions to the service's events (so the
 * service's relay routes them to its queues). No mount path: the service is not the gateway.
 */
export function neighbourDeclaration(neighbour: ModuleDefinition, service: ModuleDefinition, names: Map<unknown, Named>): Declaration | undefined {
  const calls = service.requires.some((c) => c.module === neighbour.name);
  const consumed = new Set(Object.values(service.subscribesTo).map((e) => e.type));
  const offered = new Set(service.publishes.map((e) => e.type));
  const publishes = neighbour.publishes.filter((e) => consumed.has(e.type));
  const subscribesTo = Object.entries(neighbour.subscribesTo).filter(([, e]) => offered.has(e.type));
  if (!calls && publishes.length === 0 && subscribesTo.length === 0) return undefined;
  return {
    name: neighbour.name,
    provides: calls && neighbour.provides ? named(names, neighbour.provides, `${neighbour.name}'s API`) : undefined,
    requires: [],
    publishes: publishes.map((e) => named(names, e, `an event ${neighbour.name} publishes`)),
    subscribesTo: subscribesTo.map(([sub, e]) => [sub, named(names, e, `the event of ${sub}`)] as [string, Named]),
  };
}

/** Modules whose public entry a declaration names. */
export const entriesNamed = (d: Declaration): Set<string> =>
  new Set([d.provides, ...d.requires, ...d.publishes, ...d.subscribesTo.map(([, n]) => n)].filter((n): n is Named => !!n).map((n) => n.module));

/** Contract names a declaration uses, by the module whose entry exports them. */
export type Uses = Map<string, Set<string>>;

/** `remoteModule({...})` source; records in `uses` each contract it names. */
export function declarationSource(d: Declaration, variable: string, uses: Uses, comment: string): string {
  const use = (n: Named) => {
    const set = uses.get(n.module) ?? new Set<string>();
    set.add(n.exportName);
    uses.set(n.module, set);
    return n.exportName;
  };
  const lines = [`  name: '${d.name}',`];
  if (d.mountPath) lines.push(`  mountPath: '${d.mountPath}',`);
  if (d.provides) lines.push(`  provides: ${use(d.provides)},`);
  lines.push(`  requires: [${d.requires.map(use).join(', ')}],`);
  lines.push(`  publishes: [${d.publishes.map(use).join(', ')}],`);
  lines.push(`  subscribesTo: {${d.subscribesTo.map(([sub, n]) => ` '${sub}': ${use(n)}`).join(',')}${d.subscribesTo.length ? ' ' : ''}},`);
  return `${comment}export const ${variable} = remoteModule({\n${lines.join('\n')}\n});\n`;
}

export function importLines(uses: Uses, entryPath: (module: string) => string): string[] {
  return [...uses].sort(([a], [b]) => a.localeCompare(b)).map(([m, set]) => `import { ${[...set].sort().join(', ')} } from '${entryPath(m)}';`);
}

/** `payments` → `payments`, `order-history` → `orderHistory`. */
export const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
