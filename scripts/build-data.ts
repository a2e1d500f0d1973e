/**
 * Builds the embedded database's template into dist/pgdata: PGlite's `initdb` and every module's
 * migrations, done once here instead of on each new data folder (src/shared/db/template.ts).
 */
import { DATA_TEMPLATE, MIGRATIONS_ROOT } from '../src/app.ts';
import { migrationPlan } from '../src/shared/db/open.ts';
import { writeTemplate } from '../src/shared/db/template.ts';
import { modules } from '../src/modules.ts';

const started = performance.now();
const { bytes } = await writeTemplate(DATA_TEMPLATE, migrationPlan(modules, MIGRATIONS_ROOT));
console.log(`data template: ${(bytes / 1e6).toFixed(1)} MB in ${Math.round(performance.now() - started)} ms`);
