/** Test helpers for modules' own tests. */
export { eventually, scenario } from './scenario.ts';
