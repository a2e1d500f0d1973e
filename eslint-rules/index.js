// The architecture rules of the modular monolith, as a local ESLint plugin. Each rule has one
// job and one message that names it and says what to do instead (docs/adr/0008).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { COMPOSITION_ROOT, importVisitor, moduleNames, relative, classify, resolveImport } from './layout.js';

const entryOf = (module) => `src/modules/${module}/index.ts`;

/** Tests and tooling may boot a chosen set of modules, so they may import module definitions. */
const mayImportDefinitions = (place) => place.kind === 'composition-root' || place.kind === 'scripts' || place.kind === 'test' || (place.kind === 'module' && place.area === 'test');

const publicEntry = {
  meta: { type: 'problem', docs: { description: 'Outside a module, import only its public entry (index.ts).' }, schema: [] },
  create: (context) =>
    importVisitor(context, (node, from, to) => {
      if (to.place.kind !== 'module') return;
      const owner = to.place.module;
      if (from.place.kind === 'module' && from.place.module === owner) return;
      if (to.place.area === 'entry') return;
      if (to.place.area === 'definition' && mayImportDefinitions(from.place)) return;
      const who = from.place.kind === 'module' ? from.place.module : from.rel;
      const hint =
        to.place.area === 'definition'
          ? `Only the composition root (${COMPOSITION_ROOT.join(', ')}), scripts and tests list module definitions; a module reaches ${owner} through ctx.api(...) or its events, declared in requires/subscribesTo.`
          : `Import from ${entryOf(owner)}, or ask ${owner} for a public API method or an event.`;
      context.report({ node, message: `[architecture/public-entry] ${who} imports ${owner}'s internals (${to.rel}). ${hint}` });
    }),
};

const sharedIndependent = {
  meta: { type: 'problem', docs: { description: 'The kernel (src/shared) knows no module and not the composition root.' }, schema: [] },
  create: (context) =>
    importVisitor(context, (node, from, to) => {
      if (from.place.kind !== 'shared') return;
      if (to.place.kind !== 'module' && to.place.kind !== 'composition-root') return;
      context.report({
        node,
        message: `[architecture/shared-independent] the kernel file ${from.rel} imports ${to.rel}. src/shared must not know any module: take what it needs as a parameter (a ModuleDefinition, a contract) that the composition root passes in.`,
      });
    }),
};

const noForeignTables = {
  meta: { type: 'problem', docs: { description: "A module never imports another module's drizzle schema or tables." }, schema: [] },
  create: (context) =>
    importVisitor(context, (node, from, to) => {
      if (from.place.kind !== 'module' || to.place.kind !== 'module') return;
      if (to.place.area !== 'tables' || to.place.module === from.place.module) return;
      const owner = to.place.module;
      context.report({
        node,
        message: `[architecture/no-foreign-tables] ${from.place.module} imports ${owner}'s tables (${to.rel}). A module touches only its own schema: get ${owner}'s data through its public API (ctx.api) or keep a local copy fed by ${owner}'s events.`,
      });
    }),
};

/** What modules may import of the kernel: its entries, by topic (ADR 12). */
export const KERNEL_ENTRIES = ['src/shared/index.ts', 'src/shared/http/index.ts', 'src/shared/testing/index.ts'];

const kernelEntry = {
  meta: { type: 'problem', docs: { description: 'A module imports the kernel only through its entries (src/shared/index.ts and friends).' }, schema: [] },
  create: (context) =>
    importVisitor(context, (node, from, to) => {
      if (from.place.kind !== 'module' || to.place.kind !== 'shared') return;
      // A module's own tests may build harnesses from kernel parts; they are not shipped with it.
      if (from.place.area === 'test' || KERNEL_ENTRIES.includes(to.rel)) return;
      context.report({
        node,
        message: `[architecture/kernel-entry] ${from.place.module} imports the kernel file ${to.rel}. Modules reach the kernel only through ${KERNEL_ENTRIES.join(', ')}: import it from there, or export it there if modules really need it.`,
      });
    }),
};

const noCompositionRoot = {
  meta: { type: 'problem', docs: { description: 'A module never imports the composition root or scripts.' }, schema: [] },
  create: (context) =>
    importVisitor(context, (node, from, to) => {
      if (from.place.kind !== 'module') return;
      if (to.place.kind !== 'composition-root' && to.place.kind !== 'scripts') return;
      context.report({
        node,
        message: `[architecture/no-composition-root] ${from.place.module} imports ${to.rel}. The composition root and scripts wire modules, never the other way round: take what you need from ModuleContext (ctx.config, ctx.api, ctx.db).`,
      });
    }),
};

// ---- cycles between modules --------------------------------------------------------------

const IMPORT_RE = /\b(?:import|export)\s*(?:type\s+)?(?:[\w*${}\s,]*?\bfrom\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const edgeCache = new Map();

/** Relative imports of a file on disk, cached by modification time (the rule runs once per file). */
function importsOf(file) {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return [];
  }
  const cached = edgeCache.get(file);
  if (cached && cached.mtime === stat.mtimeMs) return cached.targets;
  const text = readFileSync(file, 'utf8');
  const targets = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const target = resolveImport(file, m[1] ?? m[2]);
    if (target) targets.push(target);
  }
  edgeCache.set(file, { mtime: stat.mtimeMs, targets });
  return targets;
}

/** A path of files from `start` back to `goal`, or undefined. */
function pathBack(start, goal) {
  const seen = new Set();
  const trail = [];
  const walk = (file) => {
    if (file === goal) return true;
    if (seen.has(file)) return false;
    seen.add(file);
    trail.push(file);
    for (const next of importsOf(file)) if (walk(next)) return true;
    trail.pop();
    return false;
  };
  return walk(start) ? trail : undefined;
}

const noModuleCycle = {
  meta: { type: 'problem', docs: { description: 'No import cycle runs through two modules.' }, schema: [] },
  create: (context) =>
    importVisitor(context, (node, from, to) => {
      if (from.place.kind !== 'module' || to.place.kind !== 'module' || to.place.module === from.place.module) return;
      const target = path.resolve(context.cwd, to.rel);
      const back = pathBack(target, context.filename);
      if (!back) return;
      const cycle = [from.rel, ...back.map((f) => relative(context.cwd, f)), from.rel].join(' -> ');
      context.report({
        node,
        message: `[architecture/no-module-cycle] importing ${to.rel} closes an import cycle between modules ${from.place.module} and ${to.place.module}: ${cycle}. Keep public entries free of each other (move the shared type into one of them, or into src/shared if it is truly generic), or let one side learn through an event instead.`,
      });
    }),
};

// ---- raw SQL naming another module's schema --------------------------------------------

const SQLISH = /\b(select|insert|update|delete|from|join|into|table|schema|truncate|alter|grant)\b/i;

/** Text of a string or template literal, with a flag for drizzle's sql`` tag (always SQL). */
function literalText(node) {
  if (node.type === 'Literal' && typeof node.value === 'string') return { text: node.value, tagged: false };
  if (node.type === 'TemplateLiteral') {
    const tagged = node.parent?.type === 'TaggedTemplateExpression' && /(^|\.)sql$/.test(tagName(node.parent.tag));
    return { text: node.quasis.map((q) => q.value.cooked ?? q.value.raw).join(' '), tagged };
  }
  return undefined;
}

function tagName(tag) {
  if (tag.type === 'Identifier') return tag.name;
  if (tag.type === 'MemberExpression' && tag.property.type === 'Identifier') return `${tagName(tag.object)}.${tag.property.name}`;
  return '';
}

const noForeignSql = {
  meta: { type: 'problem', docs: { description: "Raw SQL in a module never names another module's schema." }, schema: [] },
  create(context) {
    const rel = relative(context.cwd, context.filename);
    const place = classify(rel);
    if (place.kind !== 'module') return {};
    // A module's schema is its name, in snake_case for a kebab-case name (loyalty-points: loyalty_points).
    const owners = new Map();
    for (const n of moduleNames(context.cwd)) if (n !== place.module) for (const schema of [n, n.replaceAll('-', '_')]) owners.set(schema, n);
    if (owners.size === 0) return {};
    // "catalog".items or catalog.items, but not an event type such as catalog.item-changed.
    const foreign = new RegExp(`(?<![\\w."-])"?(${[...owners.keys()].map((n) => n.replace(/[^\w]/g, '\\$&')).join('|')})"?\\.("?[A-Za-z_][\\w$]*"?)(?![\\w-])`, 'g');
    const check = (node) => {
      const found = literalText(node);
      if (!found || (!found.tagged && !SQLISH.test(found.text))) return;
      foreign.lastIndex = 0;
      const m = foreign.exec(found.text);
      if (!m) return;
      context.report({
        node,
        message: `[architecture/no-foreign-sql] SQL in ${place.module} names ${owners.get(m[1])}'s schema (${m[1]}.${m[2].replaceAll('"', '')}). A module queries only its own schema: ask ${owners.get(m[1])} through its public API (ctx.api) or keep a local copy fed by its events.`,
      });
    };
    return { Literal: check, TemplateLiteral: check };
  },
};

export default {
  meta: { name: 'architecture' },
  rules: {
    'public-entry': publicEntry,
    'shared-independent': sharedIndependent,
    'no-module-cycle': noModuleCycle,
    'no-foreign-tables': noForeignTables,
    'no-foreign-sql': noForeignSql,
    'no-composition-root': noCompositionRoot,
    'kernel-entry': kernelEntry,
  },
};
