/** The BullMQ transport's operational surface: Bull Board (admins only) and Redis readiness. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProbeModule } from '../fixtures/probe/module.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { dropPrefix, redisUrl, uniquePrefix } from './harness.ts';
import { moduleNamed } from '../support/modules.ts';

const identityModule = moduleNamed('identity');

describe.skipIf(!process.env['REDIS_URL'])('BullMQ admin surface (set REDIS_URL to run)', () => {
  const prefix = uniquePrefix('board');
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      modules: [identityModule, createProbeModule('board').module],
      config: { EVENT_TRANSPORT: 'bullmq', REDIS_URL: redisUrl(), BULLMQ_PREFIX: prefix },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await dropPrefix(prefix);
  });

  it('reports Redis in /health/ready', async () => {
    const res = await app.http.get('/health/ready', await app.adminToken());
    expect(res.status).toBe(200);
    expect(res.body.checks.redis).toMatchObject({ status: 'up' });
    expect(res.body.checks.bus).toMatchObject({ status: 'up' });
  });

  it('serves Bull Board to admins only', async () => {
    expect((await app.http.get('/admin/queues')).status).toBe(401);
    expect((await app.http.get('/admin/queues', 'not-a-token')).status).toBe(401);
    const customer = await app.signUp('customer');
    expect((await app.http.get('/admin/queues', customer.token)).status).toBe(403);
    expect((await app.http.get('/admin/queues/api/queues', customer.token)).status).toBe(403);

    const admin = await app.adminToken();
    const page = await app.http.get('/admin/queues', admin);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // The page's own scripts and styles load through the same guard.
    const relative = /href="(static\/css\/[^"]+)"/.exec(page.body as string)?.[1];
    expect(relative).toBeDefined();
    const asset = `/admin/queues/${relative}`;
    expect((await app.http.get(asset, admin)).status).toBe(200);
    expect((await app.http.get(asset)).status).toBe(401);
    const queues = await app.http.get('/admin/queues/api/queues', admin);
    expect(queues.status).toBe(200);
    expect(JSON.stringify(queues.body)).toContain('probe.record-a');
  });

  it('lets a browser in through a sign-in form that posts the token and sets a short-lived cookie; a token in the URL is refused', async () => {
    const admin = await app.adminToken();
    // The old one-time link: the token in the query string is not read at all.
    const link = await app.http.get(`/admin/queues?token=${admin}`);
    expect(link.status).toBe(401);
    expect(link.headers.get('set-cookie')).toBeNull();

    // A browser without a cookie is shown the way in; the form has no script to block.
    const browsing = await app.http.get('/admin/queues', undefined, { accept: 'text/html,application/xhtml+xml' });
    expect([browsing.status, browsing.headers.get('location')]).toEqual([303, '/admin/queues/sign-in']);
    const form = await app.http.get('/admin/queues/sign-in', undefined, { accept: 'text/html' });
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toContain('text/html');
    expect(form.body).toContain('<form method="post" action="/admin/queues/sign-in">');
    expect(form.body).not.toContain('<script');

    const signIn = (body: string, type = 'application/x-www-form-urlencoded') => app.http.raw('/admin/queues/sign-in', { method: 'POST', headers: { 'content-type': type }, body });
    const signedIn = await signIn(new URLSearchParams({ token: admin }).toString());
    expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, '/admin/queues']);
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    const page = await app.http.get('/admin/queues', undefined, { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    const customer = await app.signUp('customer');
    const refused = await signIn(new URLSearchParams({ token: customer.token }).toString());
    expect([refused.status, refused.headers.get('set-cookie')]).toEqual([403, null]);
    expect((await signIn('token=not-a-token')).status).toBe(401);
    const empty = await signIn('token=');
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toEqual(['token']);
    expect((await signIn(JSON.stringify({ token: admin }), 'application/json')).status).toBe(415);
  });
});

describe('without the BullMQ transport', () => {
  it('has no Bull Board and no Redis check', async () => {
    const app = await startTestApp({ modules: [identityModule], config: { EVENT_TRANSPORT: 'inprocess' } });
    try {
      expect((await app.http.get('/admin/queues', await app.adminToken())).status).toBe(404);
      expect((await app.http.get('/health/ready', await app.adminToken())).body.checks.redis).toBeUndefined();
    } finally {
      await app.stop();
    }
  });
});
