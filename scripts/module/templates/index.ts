/**
 * Every file of a new module, as code: the generator writes these and nothing else, so what a
 * new module looks like is reviewed here, in one place (ADR 15).
 */
import type { ModuleNames } from '../names.ts';
import { application } from './application.ts';
import { schema, store } from './db.ts';
import { definition, settings } from './definition.ts';
import { domain, domainTest } from './domain.ts';
import { entry } from './entry.ts';
import { routes } from './http.ts';
import { moduleTest } from './tests.ts';

/** The files of a new module, by path inside its folder. */
export function moduleFiles(n: ModuleNames): Record<string, string> {
  return {
    'index.ts': entry(n),
    'module.ts': definition(n),
    'settings.ts': settings(n),
    'domain/example.ts': domain(n),
    'application/examples.ts': application(n),
    'db/schema.ts': schema(n),
    'db/example-store.ts': store(n),
    'http/routes.ts': routes(n),
    [`test/${n.kebab}.test.ts`]: moduleTest(n),
    'test/example-rules.test.ts': domainTest(n),
  };
}
