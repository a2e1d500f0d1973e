/** The generator's name rules and composition-root edits, as pure functions. */
import { describe, expect, it } from 'vitest';
import { withModule, withoutModule } from '../../scripts/module/composition-root.ts';
import { namesOf, refuseName } from '../../scripts/module/names.ts';

const cafe = ['catalog', 'fulfillment', 'identity', 'ordering', 'payments', 'reviews', 'storefront'];

describe('module names', () => {
  it('map kebab-case to the identifiers code, Postgres and the environment need', () => {
    expect(namesOf('loyalty-points')).toEqual({ kebab: 'loyalty-points', camel: 'loyaltyPoints', pascal: 'LoyaltyPoints', snake: 'loyalty_points', upper: 'LOYALTY_POINTS' });
    expect(namesOf('invoices')).toEqual({ kebab: 'invoices', camel: 'invoices', pascal: 'Invoices', snake: 'invoices', upper: 'INVOICES' });
    expect(namesOf('tier-2-support').camel).toBe('tier2Support');
  });

  it('accept fresh kebab-case names', () => {
    for (const ok of ['invoices', 'loyalty-points', 'tier-2-support', 'a']) expect(refuseName(ok, cafe), ok).toBeUndefined();
  });

  it('refuse what is not kebab-case, naming the rule', () => {
    for (const bad of ['Invoices!', 'Invoices', 'loyalty_points', 'loyalty--points', '-points', 'points-', '2fa', 'café', '']) {
      expect(refuseName(bad, cafe), bad).toMatchObject({ rule: 'kebab-case' });
    }
    expect(refuseName('Invoices!', cafe)!.message).toContain('"Invoices!" is not kebab-case');
  });

  it('refuse names too long for Postgres identifiers', () => {
    expect(refuseName('a'.repeat(40), cafe)).toBeUndefined();
    expect(refuseName('a'.repeat(41), cafe)).toMatchObject({ rule: 'length' });
  });

  it("refuse Postgres' and the tools' names", () => {
    for (const reserved of ['public', 'information-schema', 'pg-catalog', 'pg-anything', 'drizzle', 'drizzle-kit', 'admin', 'operations']) {
      expect(refuseName(reserved, cafe), reserved).toMatchObject({ rule: 'reserved' });
    }
    expect(refuseName('drizzle', cafe)!.message).toBe('"drizzle" is reserved: it is the migration tool, whose name the kernel\'s migration bookkeeping schema carries');
  });

  it("refuse an existing module's name, and one whose identifiers would be an existing module's", () => {
    expect(refuseName('catalog', cafe)).toEqual({ rule: 'taken', message: '"catalog" is taken: a module of that name already exists (src/modules/catalog)' });
    expect(refuseName('tier-2b', ['tier2b'])).toMatchObject({ rule: 'taken' });
    expect(refuseName('a-b1', ['a-b-1'])).toMatchObject({ rule: 'taken', message: expect.stringContaining('existing module a-b-1') });
  });
});

const ROOT_FILE = `import { catalogModule } from './modules/catalog/module.ts';
import { reviewsModule } from './modules/reviews/module.ts';
import type { ModuleDefinition } from './shared/module.ts';

export const modules: readonly ModuleDefinition[] = [
  catalogModule,
  reviewsModule,
] as readonly ModuleDefinition[];
`;

describe('the composition root edits', () => {
  it('add an import in alphabetical order and an entry last', () => {
    expect(withModule(ROOT_FILE, namesOf('loyalty-points'))).toBe(`import { catalogModule } from './modules/catalog/module.ts';
import { loyaltyPointsModule } from './modules/loyalty-points/module.ts';
import { reviewsModule } from './modules/reviews/module.ts';
import type { ModuleDefinition } from './shared/module.ts';

export const modules: readonly ModuleDefinition[] = [
  catalogModule,
  reviewsModule,
  loyaltyPointsModule,
] as readonly ModuleDefinition[];
`);
  });

  it('remove exactly what they added', () => {
    const n = namesOf('loyalty-points');
    expect(withoutModule(withModule(ROOT_FILE, n), n)).toBe(ROOT_FILE);
    expect(withoutModule(ROOT_FILE, namesOf('reviews'))).not.toContain('reviews');
  });

  it('refuse a file of another shape rather than guess', () => {
    const oneLine = "import { catalogModule } from './modules/catalog/module.ts';\nexport const modules = [catalogModule];\n";
    expect(() => withModule(oneLine, namesOf('invoices'))).toThrow(/one entry a line/);
    expect(() => withoutModule(ROOT_FILE, namesOf('invoices'))).toThrow(/does not import invoicesModule/);
  });
});
