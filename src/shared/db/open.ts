import { getTableConfig } from 'drizzle-orm/pg-core';
import type { KernelConfig } from '../config.ts';
import type { ModuleDefinition } from '../module.ts';
import { Database } from './database.ts';
import { moduleRolesFor } from './roles.ts';

/** The process's database as configured, with module roles on real Postgres. */
export function openDatabase(config: KernelConfig, poolSize = config.DATABASE_POOL_SIZE, template?: () => string | undefined): Promise<Database> {
  return Database.open({
    template,
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize,
    moduleRoles: config.DATABASE_URL && config.DATABASE_MODULE_ROLES ? moduleRolesFor(config.DATABASE_URL) : undefined,
  });
}

/** Where each module's migrations live and which schema they own. */
export function migrationPlan(modules: readonly ModuleDefinition[], migrationsRoot: string) {
  return modules.map((m) => ({ name: m.name, folder: m.migrations ?? `${migrationsRoot}/${m.name}`, schema: getTableConfig(m.tables.outbox).schema }));
}
