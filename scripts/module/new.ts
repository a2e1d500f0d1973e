/**
 * `npm run module:new -- <name>`: a new module that passes every rule as generated. Writes
 * src/modules/<name>/ from the templates, generates its first migration with drizzle-kit, adds it
 * to the composition root and regenerates the documents. Any failed step undoes the whole run.
 */
import { Changes } from './changes.ts';
import { withModule } from './composition-root.ts';
import { namesOf, refuseName } from './names.ts';
import { exists, moduleFolders, read, regenerateDocuments, ROOT, runScript } from './project.ts';
import { moduleFiles } from './templates/index.ts';

const name = process.argv[2];
if (!name || process.argv.length > 3) {
  console.error('usage: npm run module:new -- <name>   (kebab-case, e.g. loyalty-points)');
  process.exit(2);
}

const refusal =
  refuseName(name, moduleFolders()) ??
  (exists(`migrations/${name}`) ? { rule: 'taken', message: `"${name}" is taken: migrations/${name} exists (left over from a removed module?); delete it or pick another name` } : undefined);
if (refusal) {
  console.error(`module:new refused (${refusal.rule}): ${refusal.message}`);
  process.exit(1);
}

const n = namesOf(name);
const folder = `src/modules/${name}`;
const changes = new Changes(ROOT);
try {
  changes.creates(folder);
  const files = moduleFiles(n);
  for (const [path, text] of Object.entries(files)) changes.write(`${folder}/${path}`, text);

  changes.creates(`migrations/${name}`);
  runScript('scripts/generate-migrations.ts', [name]);
  if (!exists(`migrations/${name}/meta/_journal.json`)) throw new Error(`drizzle-kit wrote no migration into migrations/${name}`);

  changes.write('src/modules.ts', withModule(read('src/modules.ts'), n));
  regenerateDocuments(changes);

  console.log(`
created module ${name}:
${Object.keys(files)
  .map((f) => `  ${folder}/${f}`)
  .join('\n')}
  migrations/${name}/ (its schema "${n.snake}": examples, outbox, inbox)
added ${n.camel}Module to src/modules.ts; regenerated docs/modules.md, README's settings, docs/openapi.json and the typed client.

next: npm run dev, then POST /api/${name}/examples (see /docs); npx vitest run ${folder}
      replace the example with ${name}'s own concept; after a schema change: npm run db:generate -- ${name}`);
} catch (err) {
  changes.rollback();
  console.error(`module:new failed, nothing was changed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
