/**
 * The runtime level of the boundaries: before anything starts, the kernel checks the module graph
 * (every required API is provided, every subscribed event is published in the version the
 * subscriber reads, no cycle of required APIs). A broken graph stops start-up with a message that
 * names every problem, before a database is opened or a module is set up.
 */
import { fileURLToPath } from 'node:url';
import { pgSchema } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { MIGRATIONS_ROOT, OPERATOR_ROLE } from '../../src/app.ts';
import { modules as applicationModules } from '../../src/modules.ts';
import { defineApi, type ApiContract } from '../../src/shared/api.ts';
import { defineEvent, type EventContract } from '../../src/shared/bus/contract.ts';
import { busTables } from '../../src/shared/bus/tables.ts';
import { createKernel } from '../../src/shared/kernel.ts';
import { defineModule, type ModuleContext, type ModuleDefinition, type ModuleInstance } from '../../src/shared/module.ts';
import { ModuleGraphError, verifyModuleGraph } from '../../src/shared/verify.ts';
import { testConfig } from '../support/test-app.ts';

const aApi = defineApi('alpha', { ping: { input: z.object({}), output: z.object({ ok: z.boolean() }) } });
const bApi = defineApi('beta', { ping: { input: z.object({}), output: z.object({ ok: z.boolean() }) } });
const Happened = defineEvent('alpha.happened', z.object({ id: z.string() }));
const HappenedV2 = defineEvent('alpha.happened', z.object({ id: z.string(), at: z.string() }), 2);

function fakeModule(
  name: string,
  parts: { provides?: ApiContract; requires?: ApiContract[]; publishes?: EventContract[]; subscribesTo?: EventContract[] } = {},
  setup?: (ctx: ModuleContext) => ModuleInstance,
): ModuleDefinition {
  const subscribesTo = Object.fromEntries((parts.subscribesTo ?? []).map((e) => [`${name}.on-${e.type}`, e]));
  // By default a handler that does nothing for each declared subscription: the graph is what is under test.
  setup ??= vi.fn(() => ({ handlers: Object.fromEntries(Object.keys(subscribesTo).map((k) => [k, async () => {}])) }));
  return defineModule({
    name,
    tables: busTables(pgSchema(name)),
    // No tables to create: the graph is what is under test.
    migrations: fileURLToPath(new URL('./fixtures/migrations/empty', import.meta.url)),
    provides: parts.provides,
    requires: parts.requires ?? [],
    publishes: parts.publishes ?? [],
    subscribesTo,
    setup,
  }) as ModuleDefinition;
}

async function startWith(modules: ModuleDefinition[]) {
  // The graph does not depend on the database: the embedded one is enough wherever this runs.
  return createKernel({ config: testConfig({ DATABASE_URL: undefined }), modules, migrationsRoot: MIGRATIONS_ROOT, operatorRole: OPERATOR_ROLE });
}

describe('verifyModuleGraph', () => {
  it("accepts the application's own module list", () => {
    expect(() => verifyModuleGraph(applicationModules)).not.toThrow();
  });

  it('stops start-up when a required API is provided by no module, before any module is set up', async () => {
    const setup = vi.fn(() => ({}));
    const alpha = fakeModule('alpha', { provides: aApi, requires: [bApi] }, setup);
    await expect(startWith([alpha])).rejects.toThrow(ModuleGraphError);
    await expect(startWith([alpha])).rejects.toThrow('module "alpha" requires the API of "beta", which no module provides');
    expect(setup).not.toHaveBeenCalled();
  });

  it('stops start-up when a subscribed event is published by no module', async () => {
    const beta = fakeModule('beta', { subscribesTo: [Happened] });
    await expect(startWith([fakeModule('alpha'), beta])).rejects.toThrow('module "beta" subscribes to alpha.happened, which no module publishes');
  });

  it('stops start-up when a subscriber reads another version of the event than its publisher writes', async () => {
    const alpha = fakeModule('alpha', { publishes: [Happened] });
    const beta = fakeModule('beta', { subscribesTo: [HappenedV2] });
    await expect(startWith([alpha, beta])).rejects.toThrow('module "beta" subscribes to alpha.happened v2, but "alpha" publishes v1');
  });

  it('stops start-up when required APIs form a cycle', async () => {
    const alpha = fakeModule('alpha', { provides: aApi, requires: [bApi] });
    const beta = fakeModule('beta', { provides: bApi, requires: [aApi] });
    await expect(startWith([alpha, beta])).rejects.toThrow('required APIs form a cycle: alpha -> beta -> alpha');
  });

  it('names every problem at once, and also a module listed twice or publishing an event it does not own', () => {
    const alpha = fakeModule('alpha', { publishes: [Happened] });
    const beta = fakeModule('beta', { publishes: [Happened], requires: [defineApi('gamma', {})] });
    let message = '';
    try {
      verifyModuleGraph([alpha, alpha, beta]);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'Module graph is invalid:',
      '  - module "alpha" is listed twice',
      '  - module "beta" publishes alpha.happened, which belongs to "alpha"',
      '  - module "beta" requires the API of "gamma", which no module provides',
    ]);
  });

  it('stops start-up when a module calls an API it did not declare in requires', async () => {
    const beta = fakeModule('beta', { provides: bApi }, vi.fn(() => ({ api: { ping: async () => ({ ok: true }) } })));
    const alpha = fakeModule(
      'alpha',
      {},
      vi.fn((ctx: ModuleContext) => {
        ctx.api(bApi);
        return {};
      }),
    );
    await expect(startWith([beta, alpha])).rejects.toThrow('Module alpha uses the beta API without declaring it in requires');
  });
});
