import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { ConfigError, loadConfig } from '../../src/shared/config.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Each module sees the kernel's settings and its own: an extracted service carries no one else's. */
describe('module-owned configuration', () => {
  const seen = new Map<string, Record<string, unknown>>();
  const tokensGiven = new Set<string>();
  let app: TestApp;

  beforeAll(async () => {
    const spied = modules.map(
      (def): ModuleDefinition => ({
        ...def,
        setup: (ctx) => {
          seen.set(def.name, { ...ctx.config });
          if (ctx.tokens) tokensGiven.add(def.name);
          return def.setup(ctx);
        },
      }),
    );
    app = await startTestApp({ modules: spied, config: { SAGA_POLL_MS: 1234, READ_CACHE_TTL_MS: 250 } });
  });
  afterAll(() => app?.stop());

  it("gives payments no identity or ordering setting", () => {
    const payments = seen.get('payments')!;
    expect(payments).toHaveProperty('DATABASE_POOL_SIZE');
    for (const foreign of ['PASSWORD_HASH_COST', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'ACCESS_TOKEN_TTL_SECONDS', 'REFRESH_TOKEN_TTL_SECONDS', 'SAGA_POLL_MS', 'SAGA_RETRY_MS', 'SEED_DEMO_MENU', 'READ_CACHE_TTL_MS']) {
      expect(payments, foreign).not.toHaveProperty(foreign);
    }
    expect(payments).not.toHaveProperty('env');
  });

  it("gives each module its own settings, parsed", () => {
    expect(seen.get('ordering')).toMatchObject({ SAGA_POLL_MS: 1234, SAGA_LEASE_SECONDS: 30 });
    expect(seen.get('ordering')).not.toHaveProperty('PASSWORD_HASH_COST');
    expect(seen.get('identity')).toMatchObject({ PASSWORD_HASH_COST: 10, ADMIN_EMAIL: 'admin@cafe.test' });
    expect(seen.get('storefront')).toMatchObject({ READ_CACHE_TTL_MS: 250 });
    expect(seen.get('storefront')).not.toHaveProperty('SEED_DEMO_MENU');
  });

  it('hands the token signing capability to identity alone', () => {
    expect([...tokensGiven]).toEqual(['identity']);
  });

  it('names every bad variable of the kernel and the modules at once', () => {
    const attempt = () => loadConfig({ BUS_MAX_ATTEMPTS: 'many', SAGA_POLL_MS: '-5', PASSWORD_HASH_COST: '99', ADMIN_EMAIL: 'a@b.c' }, {}, modules);
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/BUS_MAX_ATTEMPTS/);
    expect(message).toMatch(/SAGA_POLL_MS \(ordering\)/);
    expect(message).toMatch(/PASSWORD_HASH_COST \(identity\)/);
    expect(message).toMatch(/ADMIN_EMAIL \(identity\): set both/);
  });
});
