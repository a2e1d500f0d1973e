/**
 * Finding 1: eight concurrent logins used to take ten seconds each, grow RSS by half a gigabyte
 * and stall every authenticated request behind them. Here fifty arrive at once at a server
 * with the default hashing cap, cost and limits.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('a burst of 50 concurrent logins', () => {
  let app: TestApp;
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    app = await startTestApp({
      // The production defaults, not the test suite's relaxed ones.
      config: { PASSWORD_HASH_COST: 17, PASSWORD_HASH_CONCURRENCY: undefined, PASSWORD_HASH_QUEUE: undefined, AUTH_RATE_LIMIT_PER_IP: undefined, AUTH_RATE_LIMIT_PER_ACCOUNT: undefined },
    });
    server = serve({ fetch: app.kernel.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 180_000);
  afterAll(async () => {
    server?.close();
    await app?.stop();
  });

  it('keeps memory bounded, answers each with 200, 401, 429 or 503, and serves a signed-in caller meanwhile', { timeout: 180_000 }, async () => {
    const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const email = 'burst@cafe.test';
    const password = 'correct-horse';
    expect((await post('/api/identity/register', { email, password, displayName: 'B' })).status).toBe(201);
    // A token the verifier has never seen: its check cannot come from the verified-token cache.
    const fresh = (await (await post('/api/identity/login', { email, password })).json()).accessToken as string;

    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

    const attempts = Array.from({ length: 50 }, (_, i) =>
      post('/api/identity/login', { email: i % 3 === 0 ? `nobody-${i}@cafe.test` : email, password: i % 2 === 0 ? password : 'wrong-password' }).then(async (res) => ({
        status: res.status,
        type: res.headers.get('content-type') ?? '',
        retryAfter: res.headers.get('retry-after'),
        body: await res.text(),
      })),
    );
    await new Promise((r) => setTimeout(r, 150));
    const started = performance.now();
    const me = await fetch(`${base}/api/identity/me`, { headers: { authorization: `Bearer ${fresh}` } });
    const meMs = performance.now() - started;
    const answers = await Promise.all(attempts);
    clearInterval(sampler);
    const grownMb = (peak - before) / 2 ** 20;

    const counts = answers.reduce<Record<number, number>>((acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }), {});
    console.log(`login burst: statuses ${JSON.stringify(counts)}, RSS ${Math.round(before / 2 ** 20)} -> peak ${Math.round(peak / 2 ** 20)} MB (+${Math.round(grownMb)} MB), /me ${Math.round(meMs)} ms`);

    expect(me.status).toBe(200);
    expect(meMs).toBeLessThan(1000);
    for (const a of answers) {
      expect([200, 401, 429, 503]).toContain(a.status);
      if (a.status !== 200) expect(a.type).toContain('application/problem+json');
      if (a.status === 429 || a.status === 503) expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    // One hash at 128 MiB at a time by default, plus the process's own churn.
    expect(grownMb).toBeLessThan(300);
  });
});
