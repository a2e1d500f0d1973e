/**
 * Edits the composition root's module list (src/modules.ts) as text: one import line and one
 * entry line per module. A file that does not have that shape is refused, not guessed at.
 */
import type { ModuleNames } from './names.ts';

const LIST = /(export const modules[^=]*=\s*\[\n)([\s\S]*?)(\n\])/;

const importLine = (n: ModuleNames) => `import { ${n.camel}Module } from './modules/${n.kebab}/module.ts';`;

export class CompositionRootShapeError extends Error {
  override name = 'CompositionRootShapeError';
}

function listOf(text: string): RegExpExecArray {
  const m = LIST.exec(text);
  if (!m) throw new CompositionRootShapeError('src/modules.ts has no `export const modules = [` list with one entry a line; add the module by hand');
  return m;
}

/** The list with the module's import (kept in alphabetical order) and its entry (last). */
export function withModule(text: string, n: ModuleNames): string {
  const line = importLine(n);
  if (text.includes(line)) throw new CompositionRootShapeError(`src/modules.ts already imports ${n.camel}Module`);
  const lines = text.split('\n');
  const moduleImports = lines.flatMap((l, i) => (/^import \{ \w+Module \} from '\.\/modules\//.test(l) ? [i] : []));
  const before = moduleImports.find((i) => lines[i]! > line);
  const at = before ?? (moduleImports.length > 0 ? moduleImports[moduleImports.length - 1]! + 1 : lines.findIndex((l) => l.startsWith('import ')));
  if (at < 0) throw new CompositionRootShapeError('src/modules.ts has no imports to place the new one beside');
  lines.splice(at, 0, line);
  const withImport = lines.join('\n');
  const m = listOf(withImport);
  const entries = m[2]!.replace(/,?\s*$/, ',');
  return withImport.replace(LIST, `$1${entries}\n  ${n.camel}Module,$3`);
}

/** The list without the module's import and entry; refused when either is missing. */
export function withoutModule(text: string, n: ModuleNames): string {
  const line = importLine(n);
  if (!text.includes(`${line}\n`)) throw new CompositionRootShapeError(`src/modules.ts does not import ${n.camel}Module as \`${line}\`; remove it by hand`);
  const m = listOf(text);
  const entries = m[2]!.split('\n');
  const kept = entries.filter((e) => e.trim().replace(/,$/, '') !== `${n.camel}Module`);
  if (kept.length === entries.length) throw new CompositionRootShapeError(`src/modules.ts does not list ${n.camel}Module on a line of its own; remove it by hand`);
  return text.replace(`${line}\n`, '').replace(LIST, `$1${kept.join('\n')}$3`);
}
