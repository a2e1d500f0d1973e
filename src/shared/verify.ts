import { subscribedEvents, type ModuleDefinition } from './module.ts';

export class ModuleGraphError extends Error {
  override name = 'ModuleGraphError';
}

/**
 * Checks the module graph before anything starts (in the spirit of Spring Modulith's verify):
 * every required API is provided, every subscribed event is published, each subscription's
 * event is declared, and required APIs form no cycle.
 */
export function verifyModuleGraph(modules: readonly ModuleDefinition[]): void {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const m of modules) {
    if (names.has(m.name)) problems.push(`module "${m.name}" is listed twice`);
    names.add(m.name);
  }
  const providers = new Map(modules.filter((m) => m.provides).map((m) => [m.provides!.module, m.name]));
  const published = new Map<string, { module: string; version: number }>();
  for (const m of modules) {
    if (m.provides && m.provides.module !== m.name) problems.push(`module "${m.name}" provides the API of "${m.provides.module}"`);
    for (const e of m.publishes) {
      if (e.source !== m.name) problems.push(`module "${m.name}" publishes ${e.type}, which belongs to "${e.source}"`);
      published.set(e.type, { module: m.name, version: e.version });
    }
  }
  for (const m of modules) {
    for (const r of m.requires) {
      if (!providers.has(r.module)) problems.push(`module "${m.name}" requires the API of "${r.module}", which no module provides`);
    }
    for (const e of subscribedEvents(m)) {
      const publisher = published.get(e.type);
      if (!publisher) problems.push(`module "${m.name}" subscribes to ${e.type}, which no module publishes`);
      // A subscriber built against another version of the contract would misread every payload.
      else if (publisher.version !== e.version) {
        problems.push(`module "${m.name}" subscribes to ${e.type} v${e.version}, but "${publisher.module}" publishes v${publisher.version}`);
      }
    }
  }
  // Cycles in required APIs: depth-first search with colours.
  const graph = new Map(modules.map((m) => [m.name, m.requires.map((r) => r.module)]));
  const colour = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    colour.set(n, 'grey');
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      if (colour.get(next) === 'grey') problems.push(`required APIs form a cycle: ${[...stack.slice(stack.indexOf(next)), next].join(' -> ')}`);
      else if (!colour.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    colour.set(n, 'black');
  };
  for (const n of graph.keys()) if (!colour.has(n)) visit(n);
  if (problems.length > 0) throw new ModuleGraphError(`Module graph is invalid:\n  - ${problems.join('\n  - ')}`);
}
