import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { describeCafeContract } from '../contract/cafe-tour.ts';
import { httpClient, startTestApp } from '../support/test-app.ts';
import { startServices, type Services } from './support.ts';

const ready = Boolean(process.env['DATABASE_URL'] && process.env['REDIS_URL']);
if (!ready) console.warn('public-contract.test.ts skipped: set DATABASE_URL and REDIS_URL to run the café as three processes');

type Document = { paths: Record<string, Record<string, unknown>>; components: Record<string, unknown>; tags: unknown[] } & Record<string, unknown>;

/**
 * The café as `npm run start:services` runs it, talked to through the gateway's port only: the
 * same public contract tour as the monolith's (test/contract/cafe-tour.ts), and the same OpenAPI
 * document, although payments and fulfillment answer from processes of their own.
 */
let services: Services | undefined;
// A client-facing tour, not a breaker drill: the timeout stays generous for a loaded machine's cold first calls.
const topology = async () => (services ??= await startServices({ extra: { REMOTE_TIMEOUT_MS: '5000', REMOTE_DOCUMENT_TTL_MS: '1000' } }));

if (ready) {
  describeCafeContract(
    'the public HTTP contract of the café as services, through the gateway only',
    async () => ({ http: httpClient((await topology()).gateway.url), stop: async () => {} }),
    20_000,
  );
}

describe.skipIf(!ready)("the gateway's OpenAPI document with payments and fulfillment remote", () => {
  let s: Services;
  const documentOf = async (base: string) => {
    const res = await fetch(`${base}/openapi.json`);
    return { status: res.status, unreachable: res.headers.get('x-unreachable-modules'), body: (await res.json()) as Document };
  };

  beforeAll(async () => {
    s = await topology();
  }, 240_000);
  afterAll(() => services?.stop(), 60_000);

  it("describes every route the monolith's document does, with the same operations and schemas", async () => {
    const monolith = await startTestApp();
    let expected: Document;
    try {
      expected = (await (await monolith.kernel.app.request('/openapi.json')).json()) as Document;
    } finally {
      await monolith.stop();
    }
    const gateway = await documentOf(s.gateway.url);
    expect(gateway.status).toBe(200);
    expect(gateway.unreachable).toBeNull();
    expect(Object.keys(gateway.body.paths).sort()).toEqual(Object.keys(expected.paths).sort());
    expect(gateway.body.paths).toEqual(expected.paths);
    expect(gateway.body.components).toEqual(expected.components);
    expect(gateway.body.tags).toEqual(expected.tags);
    // The payments process's own document knows only its own module: the gateway merged it in.
    expect(Object.keys((await documentOf(s.payments.url)).body.paths).some((p) => p.startsWith('/api/orders'))).toBe(false);
  });

  it("still serves the document when a remote is down, without that module's operations, and says so", async () => {
    await s.fulfillment.kill();
    const partial = await eventually(() => documentOf(s.gateway.url), (d) => d.unreachable !== null, { within: 20_000, interval: 300 });
    expect(partial.status).toBe(200);
    expect(partial.unreachable).toBe('fulfillment');
    const paths = Object.keys(partial.body.paths);
    expect(paths.some((p) => p.startsWith('/api/fulfillment'))).toBe(false);
    expect(paths).toContain('/api/payments/wallet');
    expect(paths).toContain('/api/orders');
    expect((await fetch(`${s.gateway.url}/docs`)).status).toBe(200);

    s.fulfillment = await s.start('fulfillment');
    const whole = await eventually(() => documentOf(s.gateway.url), (d) => d.unreachable === null, { within: 20_000, interval: 300 });
    expect(Object.keys(whole.body.paths)).toContain('/api/fulfillment/tickets');
  });
});
