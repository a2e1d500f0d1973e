/**
 * The attacks from the hardening review, each replayed with the request that broke it before.
 * Numbers refer to the review's findings.
 */
import { SignJWT, exportPKCS8, generateKeyPair, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const password = 'correct-horse';
const problemOf = (res: { status: number; headers: Headers }) => res.headers.get('content-type') ?? '';

describe('hardening', () => {
  let app: TestApp;
  let serverKey: CryptoKey;
  beforeAll(async () => {
    ({ privateKey: serverKey } = await generateKeyPair('ES256', { extractable: true }));
    app = await startTestApp({
      config: { REFRESH_REUSE_GRACE_SECONDS: 0, METRICS_TOKEN: 'scrape-token-of-some-length', JWT_PRIVATE_KEY: await exportPKCS8(serverKey) },
    });
  }, 180_000);
  afterAll(() => app?.stop());

  const login = async (email: string, pw = password) => (await app.http.post('/api/identity/login', { email, password: pw })).body;

  describe('3: request bodies are bounded', () => {
    it('refuses a body over the limit with 413 before parsing it', async () => {
      const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(50 * 1024 * 1024), displayName: 'A' });
      const res = await app.http.raw('/api/identity/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(res.status).toBe(413);
      expect(problemOf(res)).toContain('application/problem+json');
    });
  });

  describe('4 and 6: NUL and control characters are 400 naming the field, never 500', () => {
    it('in displayName, catalog names, review texts and refresh token ids', async () => {
      const reg = await app.http.post('/api/identity/register', { email: `nul-${randomUUID()}@cafe.test`, password, displayName: 'A\u0000B' });
      expect(reg.status).toBe(400);
      expect(reg.body.errors.map((e: { field: string }) => e.field)).toEqual(['displayName']);

      const admin = await app.adminToken();
      const item = await app.http.post('/api/catalog/items', { name: 'Tea\u0000', priceCents: 100 }, admin);
      expect(item.status).toBe(400);
      expect(item.body.errors[0].field).toBe('name');

      const customer = await app.signUp();
      const review = await app.http.post('/api/reviews', { orderId: randomUUID(), itemId: randomUUID(), rating: 5, text: 'nice\u001b[31m' }, customer.token);
      expect(review.status).toBe(400);
      expect(review.body.errors[0].field).toBe('text');

      const dashes = await app.http.post('/api/identity/refresh', { refreshToken: `${'-'.repeat(36)}.${'a'.repeat(43)}` });
      expect(dashes.status).toBe(401);
      expect(problemOf(dashes)).toContain('application/problem+json');
    });
  });

  describe('5: access tokens', () => {
    /** A token signed with the server's own key: what a bug or a confused client could present. */
    const mint = (claims: Record<string, unknown>, build: (j: SignJWT) => SignJWT = (j) => j, typ = 'at+jwt') =>
      build(new SignJWT({ email: 'x@cafe.test', role: 'customer', ...claims }).setProtectedHeader({ alg: 'ES256', typ })).sign(serverKey);
    const full = (j: SignJWT) => j.setIssuer('cafe-identity').setAudience('cafe-api').setIssuedAt().setJti(randomUUID());

    it('issues tokens with aud, typ at+jwt, jti, iat and exp', async () => {
      const { token } = await app.signUp();
      const [h, p] = token.split('.');
      const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      expect(header.typ).toBe('at+jwt');
      expect(claims).toMatchObject({ aud: 'cafe-api', iss: 'cafe-identity' });
      expect(typeof claims.jti).toBe('string');
      expect(claims.exp - claims.iat).toBe(900);
    });

    it('refuses, with 401, server-signed tokens without exp, aud, jti or the access-token type, and a sub that is no UUID', async () => {
      const { id } = await app.signUp();
      const good = await mint({}, (j) => full(j).setSubject(id).setExpirationTime('5m'));
      expect((await app.http.get('/api/identity/me', good)).status).toBe(200);
      const bad = {
        'no exp': await mint({}, (j) => full(j).setSubject(id)),
        'no aud': await mint({}, (j) => j.setIssuer('cafe-identity').setIssuedAt().setJti(randomUUID()).setSubject(id).setExpirationTime('5m')),
        'other aud': await mint({}, (j) => full(j).setAudience('someone-else').setSubject(id).setExpirationTime('5m')),
        'no jti': await mint({}, (j) => j.setIssuer('cafe-identity').setAudience('cafe-api').setIssuedAt().setSubject(id).setExpirationTime('5m')),
        'typ JWT': await mint({}, (j) => full(j).setSubject(id).setExpirationTime('5m'), 'JWT'),
        'sub not a UUID': await mint({}, (j) => full(j).setSubject('../../etc').setExpirationTime('5m')),
      };
      for (const [what, token] of Object.entries(bad)) {
        const res = await app.http.get('/api/identity/me', token);
        expect(res.status, what).toBe(401);
        expect(problemOf(res), what).toContain('application/problem+json');
      }
    });

    it('8: a token whose subject has no account can neither deposit nor order', async () => {
      const ghost = await mint({}, (j) => full(j).setSubject(randomUUID()).setExpirationTime('5m'));
      const deposit = await app.http.post('/api/payments/wallet/deposits', { amountCents: 500 }, ghost);
      expect(deposit.status).toBe(401);
      const order = await app.http.post('/api/orders', { items: [{ itemId: randomUUID(), quantity: 1 }] }, ghost);
      expect(order.status).toBe(401);
      // A real customer's deposit still goes through.
      const { token } = await app.signUp();
      expect((await app.http.post('/api/payments/wallet/deposits', { amountCents: 500 }, token)).status).toBe(201);
    });

    it('a token that claims a role its account does not have cannot write', async () => {
      const { id } = await app.signUp();
      const inflated = await mint({ role: 'admin' }, (j) => full(j).setSubject(id).setExpirationTime('5m'));
      expect((await app.http.post('/api/catalog/items', { name: 'Free coffee', priceCents: 0 }, inflated)).status).toBe(401);
    });
  });

  describe('7: exposure', () => {
    it('keeps /metrics and detailed readiness for operators and the scraper', async () => {
      expect((await app.http.get('/metrics')).status).toBe(401);
      const customer = await app.signUp();
      expect((await app.http.get('/metrics', customer.token)).status).toBe(403);
      const scraped = await app.http.get('/metrics', 'scrape-token-of-some-length');
      expect(scraped.status).toBe(200);
      expect(scraped.body).toContain('http_request_duration_seconds');
      expect((await app.http.get('/metrics', await app.adminToken())).status).toBe(200);

      const publicReady = await app.http.get('/health/ready');
      expect(publicReady.body).toEqual({ status: 'ready' });
      const detailed = await app.http.get('/health/ready', 'scrape-token-of-some-length');
      expect(detailed.body.checks.database.status).toBe('up');
    });

    it('sends security headers, and no-store on token answers', async () => {
      const { email } = await app.signUp();
      const res = await app.http.post('/api/identity/login', { email, password });
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('x-frame-options')).toBeTruthy();
    });

    it('serves the API reference without any third-party script, under a nonce CSP', async () => {
      const page = await app.http.raw('/docs', { method: 'GET' });
      expect(page.status).toBe(200);
      const html = String(page.body);
      const sources = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
      expect(sources).toEqual(['/docs/assets/api-reference.js']);
      expect(html).not.toMatch(/https?:\/\/[^"']*\.js/);
      const csp = page.headers.get('content-security-policy')!;
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toBeTruthy();
      expect(html).toContain(`nonce="${nonce}"`);
      expect(csp).not.toContain('https:');
      const script = await app.http.raw('/docs/assets/api-reference.js', { method: 'GET' });
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toContain('javascript');
    });
  });

  describe('9: stored text, passwords, unknown keys and media types', () => {
    it('refuses bidi overrides, ANSI escapes and lone surrogates in display names', async () => {
      for (const displayName of ['evil\u202Egnp.exe', 'red\u001b[31m', 'half\uD800', 'tab\tname']) {
        const res = await app.http.post('/api/identity/register', { email: `t-${randomUUID()}@cafe.test`, password, displayName });
        expect(res.status, JSON.stringify(displayName)).toBe(400);
        expect(res.body.errors[0].field).toBe('displayName');
      }
      const ok = await app.http.post('/api/identity/register', { email: `t-${randomUUID()}@cafe.test`, password, displayName: 'Zoë 🍵 שלום' });
      expect(ok.status).toBe(201);
    });

    it('refuses a password of only whitespace', async () => {
      const res = await app.http.post('/api/identity/register', { email: `t-${randomUUID()}@cafe.test`, password: '        ', displayName: 'A' });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('password');
    });

    it('refuses unknown keys on register, login and refresh', async () => {
      const reg = await app.http.post('/api/identity/register', { email: `t-${randomUUID()}@cafe.test`, password, displayName: 'A', role: 'admin' });
      expect(reg.status).toBe(400);
      const log = await app.http.post('/api/identity/login', { email: 'a@b.cd', password, remember: true });
      expect(log.status).toBe(400);
    });

    it('parses only application/json bodies', async () => {
      const body = JSON.stringify({ email: `t-${randomUUID()}@cafe.test`, password, displayName: 'A' });
      for (const type of ['application/evil+json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
        const res = await app.http.raw('/api/identity/register', { method: 'POST', headers: { 'content-type': type }, body });
        expect(res.status, type).toBe(415);
        expect(problemOf(res)).toContain('application/problem+json');
      }
      const ok = await app.http.raw('/api/identity/register', { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8' }, body });
      expect(ok.status).toBe(201);
    });
  });

  describe('11: a taken email keeps the contract’s 409', () => {
    it('answers 409 without hashing the password first', async () => {
      const { email } = await app.signUp();
      const started = performance.now();
      const again = await app.http.post('/api/identity/register', { email, password, displayName: 'B' });
      expect(again.status).toBe(409);
      expect(performance.now() - started).toBeLessThan(1000);
    });
  });

  describe('logout', () => {
    it('revokes the whole family', async () => {
      const { email } = await app.signUp();
      const first = await login(email);
      const second = (await app.http.post('/api/identity/refresh', { refreshToken: first.refreshToken })).body;
      const out = await app.http.post('/api/identity/logout', { refreshToken: second.refreshToken });
      expect(out.status).toBe(204);
      expect((await app.http.post('/api/identity/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
      expect((await app.http.post('/api/identity/logout', { refreshToken: `${randomUUID()}.${'a'.repeat(43)}` })).status).toBe(401);
    });
  });
});
