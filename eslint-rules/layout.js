// Where a file sits in the modular monolith. Every architecture rule starts from this one
// classification, so the rules agree on what "module", "public entry" and "composition root" mean.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const COMPOSITION_ROOT = ['src/modules.ts', 'src/app.ts', 'src/main.ts'];

/** Project-relative path with forward slashes, or undefined when the file lies outside the project. */
export function relative(root, file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel;
}

/**
 * kind: 'module' (with module name and area: entry | definition | tables | test | internal),
 * where a definition is `module.ts`, or `remote.ts` once the module was extracted and only declared here;
 * 'shared', 'composition-root', 'scripts', 'test', 'other'.
 */
export function classify(rel) {
  if (rel === undefined) return { kind: 'other' };
  if (COMPOSITION_ROOT.includes(rel)) return { kind: 'composition-root' };
  const m = /^src\/modules\/([^/]+)\/(.+)$/.exec(rel);
  if (m) {
    const [, module, inner] = m;
    const area =
      inner === 'index.ts'
        ? 'entry'
        : inner === 'module.ts' || inner === 'remote.ts'
          ? 'definition'
          : inner.startsWith('db/')
            ? 'tables'
            : inner.startsWith('test/') || inner.endsWith('.test.ts')
              ? 'test'
              : 'internal';
    return { kind: 'module', module, area };
  }
  if (rel.startsWith('src/shared/')) return { kind: 'shared' };
  if (rel.startsWith('scripts/') || rel.startsWith('bench/')) return { kind: 'scripts' };
  if (rel.startsWith('test/') || rel.endsWith('.test.ts')) return { kind: 'test' };
  return { kind: 'other' };
}

/** Relative import targets resolve against the importing file; packages are not ours to judge. */
export function resolveImport(fromFile, specifier) {
  if (typeof specifier !== 'string' || !specifier.startsWith('.')) return undefined;
  return path.resolve(path.dirname(fromFile), specifier);
}

/** Each static import, re-export and literal dynamic import of a file: [node carrying the source, specifier]. */
export function importSources(node) {
  switch (node.type) {
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
      return node.source;
    case 'ExportNamedDeclaration':
      return node.source ?? undefined;
    case 'ImportExpression':
      return node.source.type === 'Literal' ? node.source : undefined;
    default:
      return undefined;
  }
}

/**
 * An ESLint visitor that calls `check(sourceNode, from, to)` for every relative import of the
 * linted file, where `from` and `to` are { rel, place } (project-relative path and classification).
 */
export function importVisitor(context, check) {
  const root = context.cwd;
  const fromRel = relative(root, context.filename);
  const from = { rel: fromRel, place: classify(fromRel) };
  const visit = (node) => {
    const source = importSources(node);
    if (!source) return;
    const target = resolveImport(context.filename, source.value);
    if (!target) return;
    const toRel = relative(root, target);
    check(source, from, { rel: toRel, place: classify(toRel) });
  };
  return {
    ImportDeclaration: visit,
    ExportAllDeclaration: visit,
    ExportNamedDeclaration: visit,
    ImportExpression: visit,
  };
}

const moduleNameCache = new Map();
/** Module folder names under src/modules: they double as the modules' Postgres schema names. */
export function moduleNames(root) {
  let names = moduleNameCache.get(root);
  if (!names) {
    const dir = path.join(root, 'src/modules');
    names = existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
      : [];
    moduleNameCache.set(root, names);
  }
  return names;
}
