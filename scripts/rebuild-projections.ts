/**
 * Rebuilds projection modules from the retained event history (EVENT_RETENTION_HOURS):
 *   npm run projections:rebuild -- storefront
 * On the embedded database stop the server first: only one process may open its data folder.
 */
import { createApp } from '../src/app.ts';
import { modules } from '../src/modules.ts';
import { rebuildProjection } from '../src/shared/bus/rebuild.ts';
import { loadConfig } from '../src/shared/config.ts';

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (wanted.length === 0) {
  console.error('Usage: npm run projections:rebuild -- <module> [<module> ...]   e.g. storefront');
  process.exit(64);
}
const unknown = wanted.filter((name) => !modules.some((m) => m.name === name));
if (unknown.length > 0) {
  console.error(`Unknown module(s): ${unknown.join(', ')}. Modules: ${modules.map((m) => m.name).join(', ')}`);
  process.exit(64);
}

const kernel = await createApp(loadConfig());
let failed = 0;
try {
  for (const name of wanted) {
    const result = await rebuildProjection(kernel, modules.find((m) => m.name === name)!);
    console.log(`${name}: ${result.events} events, ${result.handled} handled, ${result.duplicates} duplicates, ${result.failed} failed`);
    failed += result.failed;
  }
} finally {
  await kernel.stop();
}
process.exit(failed > 0 ? 1 : 0);
