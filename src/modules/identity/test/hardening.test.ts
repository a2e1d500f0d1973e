import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';

const password = 'correct-horse';
const login = (app: TestApp, email: string) => app.http.post('/api/identity/login', { email, password });

describe('refresh rotation under concurrency', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ config: { REFRESH_REUSE_GRACE_SECONDS: 0 } });
  });
  afterAll(() => app?.stop());

  it('one token fired 25 times at once: one rotation wins, and after the reuse no token of the family survives', async () => {
    const { email } = await app.signUp();
    const first = (await login(app, email)).body;
    const answers = await Promise.all(Array.from({ length: 25 }, () => app.http.post('/api/identity/refresh', { refreshToken: first.refreshToken })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(24);
    const winner = answers.find((a) => a.status === 200)!.body;
    // Before the fix the loser revoked the family before the winner had inserted its successor.
    expect((await app.http.post('/api/identity/refresh', { refreshToken: winner.refreshToken })).status).toBe(401);
  });
});

describe('refresh reuse grace', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ config: { REFRESH_REUSE_GRACE_SECONDS: 1 } });
  });
  afterAll(() => app?.stop());

  it('a duplicate within the grace is refused without ending the session; a later reuse ends it', async () => {
    const { email } = await app.signUp();
    const first = (await login(app, email)).body;
    const rotated = await app.http.post('/api/identity/refresh', { refreshToken: first.refreshToken });
    expect(rotated.status).toBe(200);
    const retry = await app.http.post('/api/identity/refresh', { refreshToken: first.refreshToken });
    expect(retry.status).toBe(401);
    const next = await app.http.post('/api/identity/refresh', { refreshToken: rotated.body.refreshToken });
    expect(next.status).toBe(200);

    await new Promise((r) => setTimeout(r, 1200));
    expect((await app.http.post('/api/identity/refresh', { refreshToken: rotated.body.refreshToken })).status).toBe(401);
    expect((await app.http.post('/api/identity/refresh', { refreshToken: next.body.refreshToken })).status).toBe(401);
  });

  it('a family ends at its absolute lifetime however often it rotates', { timeout: 120_000 }, async () => {
    // Long enough that a loaded machine still rotates once inside it; the wait is measured from the login.
    const short = await startTestApp({ config: { REFRESH_FAMILY_MAX_SECONDS: 5 } });
    try {
      const { email } = await short.signUp();
      const loggedIn = Date.now();
      const first = (await login(short, email)).body;
      const rotated = await short.http.post('/api/identity/refresh', { refreshToken: first.refreshToken });
      expect(rotated.status).toBe(200);
      await new Promise((r) => setTimeout(r, Math.max(0, loggedIn + 5300 - Date.now())));
      const late = await short.http.post('/api/identity/refresh', { refreshToken: rotated.body.refreshToken });
      expect(late.status).toBe(401);
    } finally {
      await short.stop();
    }
  });
});

describe('abuse limits', () => {
  it('answers 429 with Retry-After past the per-address limit, and per account independently of the address', { timeout: 120_000 }, async () => {
    const app = await startTestApp({ config: { AUTH_RATE_LIMIT_PER_IP: 4, AUTH_RATE_LIMIT_PER_ACCOUNT: 2 } });
    try {
      const email = 'limited@cafe.test';
      expect((await app.http.post('/api/identity/register', { email, password, displayName: 'L' })).status).toBe(201);
      expect((await login(app, email)).status).toBe(200);
      expect((await login(app, email)).status).toBe(200);
      const third = await login(app, email);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(third.headers.get('content-type')).toContain('application/problem+json');
      // The address has one attempt left on login: another account gets it, then the address is over.
      expect((await login(app, 'other@cafe.test')).status).toBe(401);
      expect((await login(app, 'third@cafe.test')).status).toBe(429);
    } finally {
      await app.stop();
    }
  });

  it('refuses hashing beyond the cap and the queue with 503 and Retry-After', { timeout: 120_000 }, async () => {
    const app = await startTestApp({ config: { PASSWORD_HASH_COST: 15, PASSWORD_HASH_CONCURRENCY: 1, PASSWORD_HASH_QUEUE: 1 } });
    try {
      const { email } = await app.signUp();
      const answers = await Promise.all(Array.from({ length: 6 }, () => login(app, email)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
      const busy = answers.filter((a) => a.status === 503);
      expect(busy.length).toBeGreaterThanOrEqual(1);
      expect(Number(busy[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(busy[0]!.body.type).toContain('busy');
    } finally {
      await app.stop();
    }
  });
});
