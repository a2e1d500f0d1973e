/**
 * Prints a module's public contract (API methods, event types with versions) as JSON Schema
 * generated from its zod schemas: what the other side of an extraction compares against.
 *
 *   npm run contract -- payments            print it
 *   npm run contract -- payments --out f    write it to a file
 */
import '@hono/zod-openapi';
import { writeFileSync } from 'node:fs';
import { modules } from '../src/modules.ts';
import { describeContract } from '../src/shared/contracts/index.ts';

const [name, flag, out] = process.argv.slice(2);
const definition = modules.find((m) => m.name === name);
if (!definition) {
  console.error(`usage: npm run contract -- <module> [--out <file>]; modules: ${modules.map((m) => m.name).join(', ')}`);
  process.exit(2);
}
const text = `${JSON.stringify(describeContract(definition.name, definition.provides, definition.publishes), null, 2)}\n`;
if (flag === '--out' && out) writeFileSync(out, text);
else process.stdout.write(text);
