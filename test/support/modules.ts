import { modules } from '../../src/modules.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';

/**
 * A module's definition by name, from the composition root. Tests look definitions up instead of
 * importing `module.ts` files, so a module can be extracted without breaking the suites that
 * boot a few modules together.
 */
export function moduleNamed(name: string): ModuleDefinition {
  const found = modules.find((m) => m.name === name);
  if (!found) throw new Error(`no module named ${name} in src/modules.ts`);
  return found;
}
