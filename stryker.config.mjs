// @ts-check
/**
 * Mutation testing of every module's domain rules: `npm run test:mutation [-- module ...]`
 * (scripts/mutation.ts; MUTATION_MODULES narrows both what is mutated and which tests run).
 * The tests are chosen by vitest.mutation.config.ts: each module's tests that do not boot the app.
 * Reports land in reports/mutation/ (git-ignored).
 */
import { readdirSync } from 'node:fs';

const MODULES = 'src/modules';
const wanted = (process.env.MUTATION_MODULES ?? '').split(',').filter(Boolean);
const modules = wanted.length > 0 ? wanted : readdirSync(MODULES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Not Stryker's `testFiles`: with it, 9.x activates static mutants (module-level tables such as
  // the ticket's MOVES) after the module has loaded, so they would all survive.
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: modules.map((m) => `${MODULES}/${m}/domain/**/*.ts`),
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 75, break: null },
  tempDirName: '.stryker-tmp',
};
