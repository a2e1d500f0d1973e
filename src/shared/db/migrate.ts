import { existsSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { Database } from './database.ts';
import { grantModuleRoles } from './roles.ts';

/**
 * Applies each module's drizzle-kit migrations from `migrations/<module>/`. The bookkeeping lives
 * in the kernel's `drizzle` schema, one table per module, so a module's own migration may create
 * its schema. Applying twice is a no-op; on Postgres an advisory lock serialises concurrent starts.
 * When the database runs modules under their own roles, those roles are created and granted their
 * schema here too, under the same lock.
 */
export async function migrateModules(db: Database, modules: readonly { name: string; folder: string; schema?: string }[]): Promise<void> {
  const run = async () => {
    for (const { name: module, folder } of modules) {
      if (!existsSync(`${folder}/meta/_journal.json`)) throw new Error(`No migrations for module "${module}" in ${folder}`);
      const config = { migrationsFolder: folder, migrationsSchema: 'drizzle', migrationsTable: `${module}_migrations` };
      if (db.kind === 'pglite') await migratePglite(db.admin as PgliteDatabase, config);
      else await migratePostgres(db.admin as PostgresJsDatabase, config);
    }
  };
  if (db.kind === 'pglite') return run();
  // One session must hold the lock for the whole run, so take it inside a reserved connection.
  const client = db.postgresClient!;
  const reserved = await client.reserve();
  try {
    await reserved`select pg_advisory_lock(7254001)`;
    await run();
    const roles = modules.flatMap((m) => {
      const role = db.roleFor(m.name);
      return role ? [{ role, schema: m.schema ?? m.name }] : [];
    });
    if (roles.length > 0) await grantModuleRoles(reserved, roles);
  } finally {
    await reserved`select pg_advisory_unlock(7254001)`.catch(() => {});
    reserved.release();
  }
}

export async function schemaExists(db: Database, schema: string): Promise<boolean> {
  const r: unknown = await db.admin.execute(sql`select 1 from information_schema.schemata where schema_name = ${schema}`);
  const rows = Array.isArray(r) ? r : ((r as { rows: unknown[] }).rows ?? []);
  return rows.length > 0;
}
