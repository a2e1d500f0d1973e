import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { expect, it } from 'vitest';
import { createGateway } from '../../src/shared/http/gateway.ts';
import { createRouter } from '../../src/shared/http/router.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { API_SECURITY_HEADERS, API_SECURITY_OPTIONS } from '../../src/shared/http/guards.ts';

it("sets exactly what Hono's secure headers middleware would, with the API's policy", async () => {
  const probe = new Hono();
  probe.use(secureHeaders(API_SECURITY_OPTIONS));
  probe.get('/', (c) => c.json({}));
  const expected: string[][] = [];
  (await probe.request('/')).headers.forEach((value, name) => {
    if (name !== 'content-type') expected.push([name, value]);
  });
  const ours = API_SECURITY_HEADERS.map(([name, value]) => [name.toLowerCase(), value]);
  expect(ours.sort()).toEqual(expected.sort());
});

it("puts the request id and the API's headers on Node's own response, a handler's own header winning", async () => {
  const router = createRouter();
  router.get('/plain', (c) => c.json({ ok: true }));
  router.get('/framed', (c) => c.body('{}', 200, { 'content-type': 'application/json', 'x-frame-options': 'DENY' }));
  const verifier = { verify: () => Promise.reject(new Error('no tokens here')) } as never;
  const app = createGateway({ logger: createLogger('silent'), metrics: createMetrics(), verifier, readiness: [], routes: { '/api/test': router } });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as never)) as never;
  });
  try {
    const { port } = server.address() as { port: number };
    const plain = await fetch(`http://127.0.0.1:${port}/api/test/plain`);
    expect(await plain.json()).toEqual({ ok: true });
    expect(plain.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const [name, value] of API_SECURITY_HEADERS) expect(plain.headers.get(name), name).toBe(value);
    const framed = await fetch(`http://127.0.0.1:${port}/api/test/framed`);
    expect(framed.headers.get('x-frame-options')).toBe('DENY');
    expect(framed.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  } finally {
    await new Promise((r) => server.close(r));
  }
});
