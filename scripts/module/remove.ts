/**
 * `npm run module:remove -- <name>`: takes a module out of the code when nothing uses it any
 * more. Refuses, naming each use, while another module requires its API, subscribes to its
 * events or imports its files. Its data stays in the database: dropping that is an operator's act.
 */
// Routes call `.openapi()` on contract schemas; zod must be extended before any contract is built.
import '@hono/zod-openapi';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { modules } from '../../src/modules.ts';
import { databaseNameOf, moduleRoleName } from '../../src/shared/db/roles.ts';
import { Changes } from './changes.ts';
import { withoutModule } from './composition-root.ts';
import { declaredUses, importUses, type Use } from './dependents.ts';
import { namesOf } from './names.ts';
import { exists, filesUnder, moduleFolders, read, regenerateDocuments, ROOT } from './project.ts';

const name = process.argv[2];
if (!name || process.argv.length > 3) {
  console.error('usage: npm run module:remove -- <name>');
  process.exit(2);
}
const definition = modules.find((m) => m.name === name);
if (!moduleFolders().includes(name) || !definition) {
  console.error(`module:remove refused: there is no module "${name}" in src/modules and the composition root (modules: ${modules.map((m) => m.name).join(', ')})`);
  process.exit(1);
}

if (definition.hostedElsewhere) {
  // Its code and data live in its own service now; this codebase keeps only the declaration.
  console.error(`module:remove refused: ${name} runs as its own service (src/modules/${name}/remote.ts); bring it back with \`npm run extract -- ${name} --undo --from <its folder>\` first, or retire the service`);
  process.exit(1);
}

const uses: Use[] = [...declaredUses(name, modules), ...importUses(name)];
if (uses.length > 0) {
  const byModule = [...new Set(uses.flatMap((u) => (u.by ? [u.by] : [])))];
  const lines = uses.map((u) => `  ${u.by ?? '(outside the modules)'}: ${u.what}`);
  const who = byModule.length > 0 ? `${byModule.join(', ')} still depend${byModule.length === 1 ? 's' : ''} on it` : 'files outside the modules still import it';
  console.error(`module:remove refused: ${name} is in use; ${who}:\n${lines.join('\n')}\nRemove these uses first (their subscriptions, requires, imports and look-ups), then run module:remove again.`);
  process.exit(1);
}

const n = namesOf(name);
const schema = getTableConfig(definition.tables.outbox).schema ?? n.snake;
const migrations = definition.migrations ? relative(ROOT, definition.migrations) : `migrations/${name}`;
const snapshot = (dir: string) => new Map(filesUnder(dir).map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
const changes = new Changes(ROOT);
try {
  changes.removeTree(`src/modules/${name}`, snapshot(`src/modules/${name}`));
  if (exists(migrations)) changes.removeTree(migrations, snapshot(migrations));
  changes.write('src/modules.ts', withoutModule(read('src/modules.ts'), n));
  regenerateDocuments(changes);
} catch (err) {
  changes.rollback();
  console.error(`module:remove failed, nothing was changed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const url = process.env['DATABASE_URL'];
const role = url ? moduleRoleName(databaseNameOf(url), name) : `<database>__${n.snake}`;
const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
const subscriptions = Object.keys(definition.subscribesTo);
console.log(`removed module ${name}: src/modules/${name}/, ${migrations}/, its entry in src/modules.ts; regenerated the documents.

What remains for operations: its schema "${schema}" and all its data are still in every database it ran on.
When nobody needs them any more (this cannot be undone), run against each such database:

  DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE;
  -- the kernel's record of its migrations: a later module of the same name would otherwise skip them
  DROP TABLE IF EXISTS drizzle.${quote(`${name}_migrations`)};
  -- on Postgres with DATABASE_MODULE_ROLES (the default), its login role${url ? '' : ' (put the database\'s name for <database>)'}:
  DROP OWNED BY ${quote(role)};
  DROP ROLE IF EXISTS ${quote(role)};${
    subscriptions.length > 0
      ? `\n\nWith EVENT_TRANSPORT=bullmq its subscriptions' queues stay in Redis under BULLMQ_PREFIX: ${subscriptions.join(', ')}.`
      : ''
  }`);
