/**
 * Applies every module's migrations to the configured database (DATABASE_URL, or the embedded
 * one in DATA_DIR) and exits. Start-up runs the same step; running it twice changes nothing.
 */
import { MIGRATIONS_ROOT } from '../src/app.ts';
import { modules } from '../src/modules.ts';
import { loadConfig } from '../src/shared/config.ts';
import { Database } from '../src/shared/db/database.ts';
import { migrateModules } from '../src/shared/db/migrate.ts';

const config = loadConfig();
const db = new Database({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
try {
  await migrateModules(db, modules.map((m) => ({ name: m.name, folder: m.migrations ?? `${MIGRATIONS_ROOT}/${m.name}` })));
  console.log(`migrated ${modules.map((m) => m.name).join(', ')} on ${db.kind}`);
} finally {
  await db.close();
}
