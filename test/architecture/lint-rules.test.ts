/**
 * The architecture lint rules, each proven on a small fixture project that mimics the real layout
 * (`fixtures/<rule>/src/modules/...`): the fixture breaks exactly that rule and lint must say so
 * in that rule's words; the clean fixture shows every allowed shape and must pass untouched.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

async function lint(fixture: string) {
  const cwd = `${fixtures}${fixture}`;
  const eslint = new ESLint({ cwd, overrideConfigFile: `${repo}eslint.config.js` });
  const results = await eslint.lintFiles(['.']);
  return results.flatMap((r) => r.messages.map((m) => ({ file: r.filePath.slice(cwd.length + 1), rule: m.ruleId, message: m.message })));
}

describe('architecture lint rules', () => {
  it('pass a project that keeps every boundary', async () => {
    expect(await lint('clean')).toEqual([]);
  });

  it('public-entry: a module imports another module only through its index.ts', async () => {
    const found = await lint('public-entry');
    expect(found).toEqual([
      {
        file: 'src/modules/ordering/application/place-order.ts',
        rule: 'architecture/public-entry',
        message:
          "[architecture/public-entry] ordering imports catalog's internals (src/modules/catalog/domain/price.ts). Import from src/modules/catalog/index.ts, or ask catalog for a public API method or an event.",
      },
    ]);
  });

  it('shared-independent: the kernel imports no module', async () => {
    const found = await lint('shared-independent');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'src/shared/kernel.ts', rule: 'architecture/shared-independent' });
    expect(found[0]!.message).toContain('[architecture/shared-independent] the kernel file src/shared/kernel.ts imports src/modules/catalog/index.ts');
  });

  it('no-module-cycle: public entries never import each other in a circle', async () => {
    const found = await lint('no-module-cycle');
    expect(found.map((f) => [f.file, f.rule])).toEqual([
      ['src/modules/catalog/index.ts', 'architecture/no-module-cycle'],
      ['src/modules/ordering/index.ts', 'architecture/no-module-cycle'],
    ]);
    expect(found[0]!.message).toContain(
      'closes an import cycle between modules catalog and ordering: src/modules/catalog/index.ts -> src/modules/ordering/index.ts -> src/modules/catalog/index.ts',
    );
  });

  it("no-foreign-tables: a module never imports another module's drizzle schema", async () => {
    const found = await lint('no-foreign-tables');
    const specific = found.filter((f) => f.rule === 'architecture/no-foreign-tables');
    expect(specific).toHaveLength(1);
    expect(specific[0]!.message).toBe(
      "[architecture/no-foreign-tables] ordering imports catalog's tables (src/modules/catalog/db/schema.ts). A module touches only its own schema: get catalog's data through its public API (ctx.api) or keep a local copy fed by catalog's events.",
    );
    // The general rule sees it too: a table is one more internal.
    expect(found.map((f) => f.rule).sort()).toEqual(['architecture/no-foreign-tables', 'architecture/public-entry']);
  });

  it("no-foreign-sql: raw SQL in a module never names another module's schema", async () => {
    const found = await lint('no-foreign-sql');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'src/modules/ordering/db/order-store.ts', rule: 'architecture/no-foreign-sql' });
    expect(found[0]!.message).toContain("[architecture/no-foreign-sql] SQL in ordering names catalog's schema (catalog.items)");
  });

  it("no-foreign-sql: a kebab-case module's schema is known by its snake_case name", async () => {
    const found = await lint('no-foreign-sql-snake');
    expect(found).toEqual([
      {
        file: 'src/modules/ordering/db/points.ts',
        rule: 'architecture/no-foreign-sql',
        message:
          "[architecture/no-foreign-sql] SQL in ordering names loyalty-points's schema (loyalty_points.balances). A module queries only its own schema: ask loyalty-points through its public API (ctx.api) or keep a local copy fed by its events.",
      },
    ]);
  });

  it('no-composition-root: a module never imports the composition root or scripts', async () => {
    const found = await lint('no-composition-root');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'src/modules/catalog/application/menu.ts', rule: 'architecture/no-composition-root' });
    expect(found[0]!.message).toContain('[architecture/no-composition-root] catalog imports src/app.ts.');
  });

  it('kernel-entry: a module imports the kernel only through its entries', async () => {
    const found = await lint('kernel-entry');
    expect(found).toEqual([
      {
        file: 'src/modules/catalog/application/menu.ts',
        rule: 'architecture/kernel-entry',
        message:
          '[architecture/kernel-entry] catalog imports the kernel file src/shared/db/database.ts. Modules reach the kernel only through src/shared/index.ts, src/shared/http/index.ts, src/shared/testing/index.ts: import it from there, or export it there if modules really need it.',
      },
    ]);
  });
});
