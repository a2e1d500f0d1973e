import type { ModuleNames } from '../names.ts';

/** index.ts: the public entry, the only file other modules may import. */
export const entry = (n: ModuleNames) => `/**
 * ${n.kebab}'s public entry: the only file other modules may import. The API contract starts
 * empty; add a method when another module needs to ask ${n.kebab} something, and implement it in
 * module.ts. Events are the other way out: others subscribe to them in their own definitions.
 */
import { z } from 'zod';
import { defineApi, defineEvent } from '../../shared/index.ts';

export const ${n.camel}Api = defineApi('${n.kebab}', {});
export type ${n.pascal}Api = typeof ${n.camel}Api;

/** Published once an example is added, from the same transaction (the outbox). */
export const ExampleAdded = defineEvent('${n.kebab}.example-added', z.object({ exampleId: z.uuid(), name: z.string() }), { key: (p) => p.exampleId });

/** An example as the HTTP API shows it. */
export const ExampleDto = z.object({
  id: z.uuid(),
  name: z.string(),
  addedBy: z.uuid(),
  addedAt: z.iso.datetime(),
});
export type ExampleDto = z.infer<typeof ExampleDto>;
`;
