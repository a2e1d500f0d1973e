import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';

describe('identity', () => {
  let app: TestApp;
  beforeAll(async () => {
    // No grace for a re-presented refresh token here: reuse is detected at once.
    app = await startTestApp({ config: { REFRESH_REUSE_GRACE_SECONDS: 0 } });
  });
  afterAll(() => app?.stop());

  const register = (body: unknown) => app.http.post('/api/identity/register', body);

  it('registers a customer, logs in and answers me', async () => {
    const res = await register({ email: 'Ann@Example.com', password: 'long-enough', displayName: 'Ann' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'ann@example.com', displayName: 'Ann', role: 'customer' });
    expect(res.body).not.toHaveProperty('passwordHash');

    const login = await app.http.post('/api/identity/login', { email: 'ann@example.com', password: 'long-enough' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    const me = await app.http.get('/api/identity/me', login.body.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ id: res.body.id, email: 'ann@example.com', displayName: 'Ann', role: 'customer' });
  });

  it('refuses a duplicate email with 409, whatever its case', async () => {
    await register({ email: 'dup@example.com', password: 'long-enough', displayName: 'A' });
    const again = await register({ email: 'DUP@example.com', password: 'long-enough', displayName: 'B' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  });

  it('names each bad field in a 400 problem', async () => {
    const res = await register({ email: 'not-an-email', password: 'short', displayName: 7 });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['displayName', 'email', 'password']);
    const missing = await register({ email: 'x@example.com', displayName: 'X' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await app.http.raw('/api/identity/register', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('rejects wrong passwords and unknown emails alike', async () => {
    await register({ email: 'bob@example.com', password: 'long-enough', displayName: 'Bob' });
    const wrong = await app.http.post('/api/identity/login', { email: 'bob@example.com', password: 'nope-nope' });
    const unknown = await app.http.post('/api/identity/login', { email: 'nobody@example.com', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('rotates refresh tokens and revokes the family on reuse', async () => {
    await register({ email: 'rot@example.com', password: 'long-enough', displayName: 'R' });
    const first = (await app.http.post('/api/identity/login', { email: 'rot@example.com', password: 'long-enough' })).body;
    const second = await app.http.post('/api/identity/refresh', { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);

    const reuse = await app.http.post('/api/identity/refresh', { refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    // The thief's reuse also kills the legitimate successor.
    const successor = await app.http.post('/api/identity/refresh', { refreshToken: second.body.refreshToken });
    expect(successor.status).toBe(401);
    expect((await app.http.post('/api/identity/refresh', { refreshToken: 'garbage' })).status).toBe(401);
  });

  it('requires a valid token: missing, tampered, foreign-signed and expired tokens get 401', async () => {
    const { token } = await app.signUp();
    expect((await app.http.get('/api/identity/me')).status).toBe(401);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${s}`;
    expect((await app.http.get('/api/identity/me', tampered)).status).toBe(401);

    const { privateKey } = await generateKeyPair('ES256');
    const jwks = (await app.http.get('/.well-known/jwks.json')).body;
    const forged = await new SignJWT({ email: claims.email, role: 'admin' })
      .setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0].kid })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await app.http.get('/api/identity/me', forged)).status).toBe(401);

    const expired = await new SignJWT({ email: claims.email, role: 'customer' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(claims.sub)
      .setIssuer(claims.iss)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(privateKey);
    const res = await app.http.get('/api/identity/me', expired);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('publishes a JWKS that verifies issued tokens', async () => {
    const { createLocalJWKSet, jwtVerify } = await import('jose');
    const { token } = await app.signUp();
    const jwks = (await app.http.get('/.well-known/jwks.json')).body;
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks));
    expect(payload.role).toBe('customer');
  });

  it('lets only an admin create staff accounts', async () => {
    const customer = await app.signUp();
    const staff = { email: 'barista@example.com', password: 'long-enough', displayName: 'Bea', role: 'barista' };
    expect((await app.http.post('/api/identity/users', staff)).status).toBe(401);
    expect((await app.http.post('/api/identity/users', staff, customer.token)).status).toBe(403);
    const created = await app.http.post('/api/identity/users', staff, await app.adminToken());
    expect(created.status).toBe(201);
    expect(created.body.role).toBe('barista');
    const bad = await app.http.post('/api/identity/users', { ...staff, email: 'x@example.com', role: 'owner' }, await app.adminToken());
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('role');
  });

  it('bootstraps the configured admin', async () => {
    const me = await app.http.get('/api/identity/me', await app.adminToken());
    expect(me.body).toMatchObject({ email: 'admin@cafe.test', role: 'admin' });
  });
});
