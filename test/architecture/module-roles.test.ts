/**
 * The database level of the boundaries: on real Postgres each module logs in as its own role that
 * can use its own schema and nothing else. Needs DATABASE_URL (the embedded database has a single
 * connection and no roles, so there is nothing to prove there).
 */
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The composition root first: it loads modules in the order the application does.
import { MIGRATIONS_ROOT, OPERATOR_ROLE } from '../../src/app.ts';
import { query, type Db } from '../../src/shared/db/database.ts';
import { databaseNameOf, moduleRoleName } from '../../src/shared/db/roles.ts';
import { createKernel } from '../../src/shared/kernel.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { moduleNamed } from '../support/modules.ts';

const catalogModule = moduleNamed('catalog');
const identityModule = moduleNamed('identity');

const url = process.env['DATABASE_URL'];
if (!url) console.warn('module-roles.test.ts skipped: set DATABASE_URL to a Postgres server to check per-module database roles');

const modules = [identityModule, catalogModule] as readonly ModuleDefinition[];

describe.skipIf(!url)('module database roles (real Postgres)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ modules });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const denied = /permission denied for (schema|table)/;
  /** The database's own refusal: drizzle wraps it, Postgres' message is the cause. */
  const refusal = async (db: Db, statement: SQL): Promise<string> => {
    try {
      await query(db, statement);
    } catch (err) {
      const e = err as Error & { cause?: Error };
      return e.cause?.message ?? e.message;
    }
    return 'no error';
  };

  it('each module connects as a role named after the database and the module', async () => {
    const database = databaseNameOf(app.config.DATABASE_URL!);
    const [row] = await query<{ user: string }>(app.kernel.db.forModule('catalog'), sql`select current_user as user`);
    expect(row!.user).toBe(moduleRoleName(database, 'catalog'));
    expect(row!.user).toBe(`${database}__catalog`);
    const [other] = await query<{ user: string }>(app.kernel.db.forModule('identity'), sql`select current_user as user`);
    expect(other!.user).toBe(`${database}__identity`);
  });

  it("a module's role uses its own tables, and gets permission denied on another module's", async () => {
    const catalog = app.kernel.db.forModule('catalog');
    await expect(query(catalog, sql`select count(*) from catalog.items`)).resolves.toHaveLength(1);
    expect(await refusal(catalog, sql`select * from identity.users`)).toMatch(denied);
    expect(await refusal(catalog, sql`update identity.users set role = 'admin'`)).toMatch(denied);

    const identity = app.kernel.db.forModule('identity');
    await expect(query(identity, sql`select count(*) from identity.users`)).resolves.toHaveLength(1);
    expect(await refusal(identity, sql`select * from catalog.items`)).toMatch(denied);
  });

  it("the kernel's migration bookkeeping stays owner-only, and modules cannot create tables", async () => {
    const catalog = app.kernel.db.forModule('catalog');
    expect(await refusal(catalog, sql`select * from drizzle.catalog_migrations`)).toMatch(denied);
    expect(await refusal(catalog, sql`create table catalog.sneaky (id int)`)).toMatch(denied);
  });

  it('writes through the module work end to end under its role (catalog creates an item, publishing to its outbox)', async () => {
    const admin = await app.adminToken();
    const res = await app.http.post('/api/catalog/items', { name: 'Flat white', priceCents: 420 }, admin);
    expect(res.status).toBe(201);
    const [row] = await query<{ n: string }>(app.kernel.db.forModule('catalog'), sql`select count(*) as n from catalog.outbox`);
    expect(Number(row!.n)).toBeGreaterThan(0);
  });

  it('migrating again, from two processes at once, changes nothing and fails nothing', async () => {
    const config = { ...app.config, env: { ...app.config.env, ADMIN_EMAIL: undefined, ADMIN_PASSWORD: undefined } };
    const kernels = await Promise.all([1, 2].map(() => createKernel({ config, modules, migrationsRoot: MIGRATIONS_ROOT, operatorRole: OPERATOR_ROLE })));
    await Promise.all(kernels.map((k) => k.stop()));
    const [row] = await query<{ user: string }>(app.kernel.db.forModule('identity'), sql`select current_user as user`);
    expect(row!.user).toMatch(/__identity$/);
  });
});

describe.skipIf(!url)('module roles and the test harness', () => {
  it("are dropped with the test's database, so a cluster does not collect roles", async () => {
    const app = await startTestApp({ modules });
    const database = databaseNameOf(app.config.DATABASE_URL!);
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    try {
      const before = await admin`select rolname from pg_roles where rolname like ${`${database}\\_\\_%`}`;
      expect(before.map((r) => r['rolname']).sort()).toEqual([`${database}__catalog`, `${database}__identity`]);
      await app.stop();
      const after = await admin`select rolname from pg_roles where rolname like ${`${database}\\_\\_%`}`;
      expect(after).toHaveLength(0);
    } finally {
      await admin.end();
    }
  });
});
