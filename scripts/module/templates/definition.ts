import type { ModuleNames } from '../names.ts';

/** module.ts: the definition, imported only by the composition root. */
export const definition = (n: ModuleNames) => `import { defineModule } from '../../shared/index.ts';
import { Examples } from './application/examples.ts';
import { ExampleStore } from './db/example-store.ts';
import * as schema from './db/schema.ts';
import { ${n.camel}Routes } from './http/routes.ts';
import { ${n.camel}Api, ExampleAdded } from './index.ts';
import { ${n.camel}Settings } from './settings.ts';

/**
 * ${n.kebab}: say here what this bounded context owns and what it decides alone. It starts with
 * an example (a named thing, added over HTTP, announced by an event) to be replaced by its own.
 */
export const ${n.camel}Module = defineModule({
  name: '${n.kebab}',
  mountPath: '/api/${n.kebab}',
  tables: schema,
  settings: ${n.camel}Settings,
  provides: ${n.camel}Api,
  requires: [],
  publishes: [ExampleAdded],
  subscribesTo: {},
  setup(ctx) {
    const examples = new Examples(new ExampleStore(ctx.db), (work) => ctx.unitOfWork(work), ctx.config.${n.upper}_NAME_MAX_LENGTH);
    return {
      api: {},
      routes: ${n.camel}Routes(ctx.router(), examples),
    };
  },
});
`;

/** settings.ts: the module's own settings, validated with the kernel's at start-up. */
export const settings = (n: ModuleNames) => `import { z } from 'zod';
import { NAME_LIMIT } from './domain/example.ts';

/**
 * ${n.kebab}'s settings. The variables carry the module's prefix: the environment is shared by
 * every module a process hosts.
 */
export const ${n.camel}Settings = z.object({
  ${n.upper}_NAME_MAX_LENGTH: z.coerce
    .number()
    .int()
    .min(1)
    .max(NAME_LIMIT)
    .default(120)
    .describe('the longest name an example may have, in characters'),
});
`;
