/**
 * Applies every module's migrations to the configured database (DATABASE_URL, or the embedded
 * one in DATA_DIR) and exits. Start-up runs the same step; running it twice changes nothing.
 */
import { MIGRATIONS_ROOT } from '../src/app.ts';
import { modules } from '../src/modules.ts';
import { loadConfig } from '../src/shared/config.ts';
import { migrateModules } from '../src/shared/db/migrate.ts';
import { migrationPlan, openDatabase } from '../src/shared/db/open.ts';

const config = loadConfig();
// A module that was extracted keeps its schema in its own service's database.
const hosted = modules.filter((m) => !m.hostedElsewhere);
const db = await openDatabase(config, 2);
try {
  await migrateModules(db, migrationPlan(hosted, MIGRATIONS_ROOT));
  console.log(`migrated ${hosted.map((m) => m.name).join(', ')} on ${db.kind}`);
} finally {
  await db.close();
}
