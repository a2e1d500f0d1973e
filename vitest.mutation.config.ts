/**
 * The tests Stryker runs against each mutant (see stryker.config.mjs): every module's tests that
 * neither start the app nor open a database. Domain rules are pure, so their own unit tests are the
 * ones that must catch a wrong rule; a booted app would cost seconds per mutant. MUTATION_MODULES
 * (comma-separated) narrows the run to some modules.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

const MODULES = 'src/modules';
const INTEGRATION = /test\/support\/test-app|shared\/db\//;

function unitTests(module: string): string[] {
  const dir = join(MODULES, module, 'test');
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.test.ts'))
    .map((n) => join(dir, n))
    .filter((file) => !INTEGRATION.test(readFileSync(file, 'utf8')))
    .sort();
}

const wanted = (process.env.MUTATION_MODULES ?? '').split(',').filter(Boolean);
const modules = wanted.length > 0 ? wanted : readdirSync(MODULES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

// Spread, not mergeConfig: that would append to the base include list instead of replacing it.
export default defineConfig({ ...base, test: { ...base.test, include: modules.flatMap(unitTests) } });
