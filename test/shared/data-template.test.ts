import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_ROOT } from '../../src/app.ts';
import { Database, query } from '../../src/shared/db/database.ts';
import { migrateModules } from '../../src/shared/db/migrate.ts';
import { migrationPlan } from '../../src/shared/db/open.ts';
import { readTemplate, writeTemplate } from '../../src/shared/db/template.ts';
import { modules } from '../../src/modules.ts';

// The build's migrated data folder, which a new embedded data folder starts from (ADR 19).
describe.skipIf(Boolean(process.env['DATABASE_URL']))('the embedded data template', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cafe-template-'));
  const template = join(dir, 'template');
  const plan = migrationPlan(modules, MIGRATIONS_ROOT);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => writeTemplate(template, plan), 240_000);

  it('is used for exactly the migrations it was built from', () => {
    expect(readTemplate(template, plan)).toBe(join(template, 'pg'));
    // Another set of hosted modules: their schemas would differ from the template's.
    expect(readTemplate(template, plan.slice(1))).toBeUndefined();
    // A migration changed since the build: the template is stale.
    const edited = join(dir, 'migrations');
    cpSync(MIGRATIONS_ROOT, edited, { recursive: true });
    const sqlFile = readdirSync(join(edited, 'catalog')).find((f) => f.endsWith('.sql'))!;
    appendFileSync(join(edited, 'catalog', sqlFile), '\n-- edited\n');
    expect(readTemplate(template, migrationPlan(modules, edited))).toBeUndefined();
    expect(readTemplate(join(dir, 'nowhere'), plan)).toBeUndefined();
  });

  it('holds the schema and migration records but no per-install secret or seed', async () => {
    expect(existsSync(join(template, 'jwt-signing-key.pem'))).toBe(false);
    const data = join(dir, 'fresh');
    const db = await Database.open({ dataDir: data, poolSize: 1, template: () => readTemplate(template, plan) });
    try {
      expect(db.startedFromTemplate).toBe(true);
      const before = await query<{ n: number }>(db.admin, sql`select count(*)::int as n from drizzle.catalog_migrations`);
      // Migrations still run on top; here they find nothing left to do.
      await migrateModules(db, plan);
      const after = await query<{ n: number }>(db.admin, sql`select count(*)::int as n from drizzle.catalog_migrations`);
      expect(after[0]!.n).toBe(before[0]!.n);
      expect(before[0]!.n).toBeGreaterThan(0);
      expect((await query<{ n: number }>(db.admin, sql`select count(*)::int as n from catalog.items`))[0]!.n).toBe(0);
      // Only the database the app runs in: the template databases would only make every copy bigger.
      const databases = await query<{ datname: string }>(db.admin, sql`select datname from pg_database order by datname`);
      expect(databases.map((d) => d.datname)).toEqual(['postgres']);
    } finally {
      await db.close();
    }
    // The second start finds its own database and leaves it alone.
    const again = await Database.open({ dataDir: data, poolSize: 1, template: () => readTemplate(template, plan) });
    try {
      expect(again.startedFromTemplate).toBe(false);
      await again.ping();
    } finally {
      await again.close();
    }
  }, 120_000);
});
