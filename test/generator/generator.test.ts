/**
 * The generator end to end, in a throwaway clone of the project (its committed HEAD): a fresh
 * module as `module:new` writes it typechecks, lints, passes its own test and is served by a
 * started server on the embedded database and on Postgres; `module:remove` refuses a module in
 * use and takes an unused one out again, leaving the clone exactly as it was. Bad names and
 * refusals change nothing. One clone for every case: each check costs a process start.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../src/shared/testing/database.ts';
import { cloneProject, type Clone } from './clone.ts';
import { startServer } from './server.ts';

const MINUTES = 60_000;
const name = `pantry-${Math.random().toString(36).slice(2, 7)}`;
const route = `/api/${name}/examples`;

// The generator and its servers do not touch the transport (they run in-process): CI's BullMQ run
// would repeat the embedded and Postgres runs' work, minutes of it, for nothing new.
const bullmqRun = process.env['EVENT_TRANSPORT'] === 'bullmq';
if (bullmqRun) console.warn('generator.test.ts skipped with EVENT_TRANSPORT=bullmq: it runs on the embedded database and on Postgres with the in-process bus');

describe.skipIf(bullmqRun)('the module generator, in a clone of the project', () => {
  let clone: Clone;
  beforeAll(() => {
    clone = cloneProject();
  });
  afterAll(() => clone?.remove());

  it('refuses bad names, naming the rule, and writes nothing', async () => {
    const cases: [string, RegExp][] = [
      ['Invoices!', /refused \(kebab-case\): "Invoices!" is not kebab-case/],
      ['catalog', /refused \(taken\): "catalog" is taken: a module of that name already exists/],
      ['drizzle', /refused \(reserved\): "drizzle" is reserved: it is the migration tool/],
    ];
    // The other rules are covered as pure functions in names.test.ts; these go through the command.
    const runs = await Promise.all(cases.map(([bad]) => clone.script('scripts/module/new.ts', [bad])));
    runs.forEach((r, i) => {
      expect(r.code, r.output).toBe(1);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
    expect(clone.changes()).toEqual([]);
  });

  it('refuses to remove reviews while storefront subscribes to its events and imports its entry', async () => {
    const r = await clone.script('scripts/module/remove.ts', ['reviews']);
    expect(r.code, r.output).toBe(1);
    expect(r.stderr).toContain('module:remove refused: reviews is in use; storefront still depends on it');
    expect(r.stderr).toContain('storefront: subscribes to reviews.review-posted (subscription storefront.count-rating)');
    expect(r.stderr).toContain('storefront: src/modules/storefront/module.ts imports src/modules/reviews/index.ts (ReviewPosted)');
    expect(clone.changes()).toEqual([]);
  });

  it(`generates ${name}: files, migration, composition root and documents`, { timeout: 5 * MINUTES }, async () => {
    const r = await clone.script('scripts/module/new.ts', [name]);
    expect(r.code, r.output).toBe(0);
    const changed = clone.changes();
    for (const file of ['index.ts', 'module.ts', 'settings.ts', 'domain/example.ts', 'application/examples.ts', 'db/schema.ts', 'db/example-store.ts', 'http/routes.ts', `test/${name}.test.ts`]) {
      expect(changed).toContain(`src/modules/${name}/${file}`);
    }
    expect(changed.filter((f) => f.startsWith(`migrations/${name}/`)).sort()).toEqual([
      expect.stringMatching(new RegExp(`^migrations/${name}/0000_\\w+\\.sql$`)),
      `migrations/${name}/meta/0000_snapshot.json`,
      `migrations/${name}/meta/_journal.json`,
    ]);
    expect(changed.filter((f) => !f.startsWith(`src/modules/${name}/`) && !f.startsWith(`migrations/${name}/`)).sort()).toEqual([
      'README.md',
      'clients/typescript/schema.d.ts',
      'docs/modules.md',
      'docs/openapi.json',
      'src/modules.ts',
    ]);
    // The documents CI checks are current as generated.
    for (const check of ['scripts/docs-modules.ts', 'scripts/openapi.ts']) {
      const current = await clone.script(check, ['--check']);
      expect(current.code, current.output).toBe(0);
    }
  });

  it('the generated project typechecks and lints', { timeout: 5 * MINUTES }, async () => {
    const tsc = await clone.bin('tsc', ['--noEmit']);
    expect(tsc.code, tsc.output).toBe(0);
    const lint = await clone.bin('eslint', ['.']);
    expect(lint.code, lint.output).toBe(0);
  });

  it("the new module's own tests pass", { timeout: 5 * MINUTES }, async () => {
    const r = await clone.bin('vitest', ['run', `src/modules/${name}`]);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toMatch(/Test Files\s+2 passed \(2\)/);
    expect(r.stdout).toMatch(/Tests\s+6 passed \(6\)/);
  });

  /** A started server serves the new route, documents it, and the module's rules hold over HTTP. */
  async function servesTheNewModule(env: Record<string, string | undefined>) {
    const server = await startServer(clone.dir, { ...process.env, PASSWORD_HASH_COST: '10', EVENT_TRANSPORT: 'inprocess', ...env });
    try {
      const doc = (await (await fetch(`${server.base}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>>; tags: { name: string }[] };
      expect(doc.paths[route]?.['post']?.operationId).toMatch(/^addPantry\w+Example$/);
      expect(doc.tags.map((t) => t.name)).toContain(name);
      const post = (path: string, body: unknown, token?: string) =>
        fetch(`${server.base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
      const email = `ann-${Math.random().toString(36).slice(2, 8)}@example.com`;
      expect((await post('/api/identity/register', { email, password: 'long-enough', displayName: 'Ann' })).status).toBe(201);
      const { accessToken } = (await (await post('/api/identity/login', { email, password: 'long-enough' })).json()) as { accessToken: string };
      const added = await post(route, { name: 'Oat milk' }, accessToken);
      expect(added.status).toBe(201);
      expect(await added.json()).toMatchObject({ name: 'Oat milk' });
      expect((await post(route, { name: 'oat  MILK' }, accessToken)).status).toBe(409);
      const tooLong = await post(route, { name: 'x'.repeat(121) }, accessToken);
      expect(tooLong.status).toBe(400);
      expect(((await tooLong.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['name']);
    } finally {
      await server.stop();
    }
  }

  it('a server started on the embedded database migrates it and serves the new route', { timeout: 3 * MINUTES }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cafe-generator-data-'));
    try {
      await servesTheNewModule({ DATABASE_URL: undefined, DATA_DIR: dataDir });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!process.env['DATABASE_URL'])('a server started on Postgres migrates a database of its own and serves the new route', { timeout: 3 * MINUTES }, async () => {
    const db = await createScratchDatabase(process.env['DATABASE_URL']!, 'cafe_generator');
    const dataDir = mkdtempSync(join(tmpdir(), 'cafe-generator-data-'));
    try {
      await servesTheNewModule({ DATABASE_URL: db.url, DATA_DIR: dataDir });
    } finally {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it(`removes ${name} again: the clone is back to its HEAD, and the SQL for its data is printed`, { timeout: 5 * MINUTES }, async () => {
    const r = await clone.script('scripts/module/remove.ts', [name], { DATABASE_URL: undefined });
    expect(r.code, r.output).toBe(0);
    const schema = name.replace('-', '_');
    expect(r.stdout).toContain(`its schema "${schema}" and all its data are still in every database it ran on`);
    expect(r.stdout).toContain(`DROP SCHEMA IF EXISTS "${schema}" CASCADE;`);
    expect(r.stdout).toContain(`DROP TABLE IF EXISTS drizzle."${name}_migrations";`);
    expect(r.stdout).toContain(`DROP ROLE IF EXISTS "<database>__${schema}";`);
    expect(clone.changes()).toEqual([]);
  });

  it('after the removal the project typechecks, lints and passes the architecture tests', { timeout: 8 * MINUTES }, async () => {
    const tsc = await clone.bin('tsc', ['--noEmit']);
    expect(tsc.code, tsc.output).toBe(0);
    const lint = await clone.bin('eslint', ['.']);
    expect(lint.code, lint.output).toBe(0);
    // Generous timeouts: this runs beside the outer suite on a shared machine.
    const architecture = await clone.bin('vitest', ['run', 'test/architecture', '--testTimeout=120000']);
    expect(architecture.code, architecture.output).toBe(0);
    expect(architecture.stdout).toMatch(/Test Files\s+\d+ passed/);
  });
});
