/**
 * Who still uses a module: from the module definitions (required APIs, subscribed events) and
 * from the sources (imports of any of its files). Either kind of use keeps it from being removed.
 */
import { dirname, join, relative, resolve } from 'node:path';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { filesUnder, read, ROOT } from './project.ts';

export interface Use {
  /** The module that uses it, or undefined for a file outside every module (tests, tooling). */
  by: string | undefined;
  what: string;
}

/** Declared uses: other modules requiring its API or subscribing to its events. */
export function declaredUses(name: string, modules: readonly ModuleDefinition[]): Use[] {
  const uses: Use[] = [];
  for (const m of modules) {
    if (m.name === name) continue;
    for (const api of m.requires) if (api.module === name) uses.push({ by: m.name, what: `requires its API (requires: [${name}'s contract])` });
    for (const [subscription, event] of Object.entries(m.subscribesTo)) {
      if (event.source === name) uses.push({ by: m.name, what: `subscribes to ${event.type} (subscription ${subscription})` });
    }
  }
  return uses;
}

const IMPORTS = [
  /\b(?:import|export)\s+(?:type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bimport\s+['"]([^'"]+)['"]/g,
];

/** Imports of the module's files from anywhere else in the project (the composition root aside). */
export function importUses(name: string): Use[] {
  const target = join(ROOT, 'src/modules', name) + '/';
  const own = `src/modules/${name}/`;
  const skip = (rel: string) => rel.startsWith(own) || rel === 'src/modules.ts' || rel.startsWith('test/architecture/fixtures/');
  const sources = ['src', 'test', 'scripts', 'bench'].flatMap((dir) => filesUnder(dir, skip)).filter((f) => /\.(ts|js|mjs)$/.test(f));
  const uses: Use[] = [];
  // Suites that boot a few modules look definitions up by name (test/support/modules.ts).
  const lookup = new RegExp(`\\bmoduleNamed\\(\\s*['"]${name}['"]\\s*\\)`);
  for (const file of sources) {
    const text = read(file);
    const by = /^src\/modules\/([^/]+)\//.exec(file)?.[1];
    if (lookup.test(text)) uses.push({ by, what: `${file} looks up its definition (moduleNamed('${name}'))` });
    for (const pattern of IMPORTS) {
      for (const m of text.matchAll(pattern)) {
        const specifier = m[2] ?? m[1]!;
        if (!specifier.startsWith('.')) continue;
        const resolved = resolve(join(ROOT, dirname(file)), specifier);
        if (!resolved.startsWith(target)) continue;
        const imported = m[2] ? m[1]!.replace(/^\{|\}$/g, '').trim().replace(/\s+/g, ' ') : '';
        uses.push({ by, what: `${file} imports ${relative(ROOT, resolved)}${imported ? ` (${imported})` : ''}` });
      }
    }
  }
  return uses;
}
