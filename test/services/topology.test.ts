import { describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { ConfigError, loadConfig } from '../../src/shared/config.ts';
import { planTopology } from '../../src/shared/topology.ts';

const plan = (env: Record<string, string>) => planTopology(modules, loadConfig({ JWT_JWKS_URL: 'http://id.internal/.well-known/jwks.json', ...env }, {}, modules));
const refusal = (env: Record<string, string>) => {
  try {
    plan(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the topology was accepted');
};

describe('topology from configuration', () => {
  it('hosts every module by default and locates nothing', () => {
    const t = plan({});
    expect(t.hosted.map((m) => m.name)).toEqual(modules.map((m) => m.name));
    expect(t.remote).toEqual([]);
  });

  it('hosts what MODULES names and finds the others at SERVICE_<MODULE>_URLS', () => {
    const t = plan({ MODULES: 'payments', EVENT_TRANSPORT: 'bullmq', REDIS_URL: 'redis://r:6379' });
    expect(t.hosted.map((m) => m.name)).toEqual(['payments']);
    const split = plan({
      MODULES: 'identity,catalog,ordering,reviews,storefront',
      EVENT_TRANSPORT: 'bullmq',
      REDIS_URL: 'redis://r:6379',
      SERVICE_PAYMENTS_URLS: 'http://pay-1:3001, http://pay-2:3001',
      SERVICE_FULFILLMENT_URLS: 'http://fulfillment.cafe.svc:3002',
    });
    expect(split.remote.map((r) => [r.definition.name, r.urls])).toEqual([
      ['payments', ['http://pay-1:3001', 'http://pay-2:3001']],
      ['fulfillment', ['http://fulfillment.cafe.svc:3002']],
    ]);
  });

  it('refuses a needed module hosted nowhere known, saying what to set', () => {
    const message = refusal({ MODULES: 'identity,catalog,ordering,reviews,storefront,fulfillment', EVENT_TRANSPORT: 'bullmq', REDIS_URL: 'redis://r:6379' });
    expect(message).toMatch(/ordering calls the payments API, which this process does not host: set SERVICE_PAYMENTS_URLS/);
  });

  it('refuses events crossing processes on the in-process transport', () => {
    const message = refusal({ MODULES: 'fulfillment' });
    expect(message).toMatch(/fulfillment subscribes to ordering\.order-paid from ordering.*set EVENT_TRANSPORT=bullmq/);
  });

  it('refuses an unknown module name and a bad URL', () => {
    expect(refusal({ MODULES: 'payments,invoices', EVENT_TRANSPORT: 'bullmq', REDIS_URL: 'redis://r:6379' })).toMatch(/MODULES names "invoices", which is not a module/);
    expect(refusal({ MODULES: 'ordering', EVENT_TRANSPORT: 'bullmq', REDIS_URL: 'redis://r:6379', SERVICE_PAYMENTS_URLS: 'ftp://x' })).toMatch(/SERVICE_PAYMENTS_URLS: "ftp:\/\/x" is not an http\(s\) URL/);
  });

  it('refuses a split process that cannot verify tokens', () => {
    const message = (() => {
      try {
        planTopology(modules, loadConfig({ MODULES: 'payments', EVENT_TRANSPORT: 'bullmq', REDIS_URL: 'redis://r:6379' }, {}, modules));
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/set JWT_JWKS_URL/);
  });
});
