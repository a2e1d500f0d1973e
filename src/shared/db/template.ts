import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { sql } from 'drizzle-orm';
import { Database } from './database.ts';
import { migrateModules } from './migrate.ts';

/**
 * A fresh embedded data folder costs PGlite's `initdb` (seconds on a busy machine) plus every
 * migration. The build does that work once and keeps the resulting data folder; a new data folder
 * starts as a copy of it. (A plain file copy: PGlite's own `loadDataDir` unpacks a tarball through
 * its wasm filesystem and took twice as long as copying, ADR 19.) Only schema and migration records go in: signing keys and the demo seed are made per
 * install at start, as before.
 *
 * The template is keyed by the PGlite version and every hosted module's migration files. A key that
 * does not match the process's own (migrations edited since the build, another set of modules) means
 * the template is not used, and `initdb` runs as it did before. Migrations run on top in every case:
 * the template only saves work, it never decides what the schema is.
 */

const MANIFEST = 'manifest.json';
const UNUSED_DATABASES = ['template0', 'template1'];

export interface TemplatePlan {
  name: string;
  folder: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function pgliteVersion(): string | undefined {
  try {
    // The package's exports hide its manifest; it sits beside dist/, where the entry point lives.
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // A runtime that cannot read the package's manifest simply does without the template.
    return undefined;
  }
}

/** What the template must have been built from to be usable here; undefined when unknowable. */
export function templateKey(plan: readonly TemplatePlan[]): string | undefined {
  const version = pgliteVersion();
  if (!version) return undefined;
  const hash = createHash('sha256').update(`pglite ${version}\n`);
  for (const { name, folder } of plan) {
    if (!existsSync(folder)) return undefined;
    hash.update(`module ${name}\n`);
    for (const file of filesUnder(folder)) hash.update(`${relative(folder, file)}\n`).update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** The template's data folder when the build made one for exactly these migrations. */
export function readTemplate(dir: string, plan: readonly TemplatePlan[]): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { key?: string; folder?: string };
    if (!manifest.key || !manifest.folder || manifest.key !== templateKey(plan)) return undefined;
    const folder = join(dir, manifest.folder);
    return existsSync(join(folder, 'PG_VERSION')) ? folder : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the template: a new embedded database with every module migrated, shut down cleanly. */
export async function writeTemplate(dir: string, plan: readonly TemplatePlan[]): Promise<{ key: string; bytes: number }> {
  const key = templateKey(plan);
  if (!key) throw new Error('cannot key the data template: PGlite version or a migrations folder not found');
  rmSync(dir, { recursive: true, force: true });
  const work = join(dir, 'build');
  const db = new Database({ dataDir: work, poolSize: 1 });
  try {
    await migrateModules(db, plan);
    // Every new data folder copies the template, and the copy is most of a cold start's disk work.
    // template0 and template1 exist for CREATE DATABASE, which one embedded folder never runs: its
    // one database is `postgres`. Without them the copy holds about half the files (ADR 19).
    for (const name of UNUSED_DATABASES) {
      await db.admin.execute(sql.raw(`update pg_database set datistemplate = false where datname = '${name}'`));
      await db.admin.execute(sql.raw(`drop database ${name}`));
    }
    await db.admin.execute(sql`checkpoint`);
  } finally {
    await db.close();
  }
  // The Database keeps PGlite's files in `<dataDir>/pg`; that folder is the template.
  renameSync(join(work, 'pg'), join(dir, 'pg'));
  rmSync(work, { recursive: true, force: true });
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify({ key, folder: 'pg', modules: plan.map((p) => p.name) }, null, 2)}\n`);
  const bytes = filesUnder(join(dir, 'pg')).reduce((n, f) => n + statSync(f).size, 0);
  return { key, bytes };
}
