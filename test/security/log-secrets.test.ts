/**
 * Finding 4: an error line carried the SQL parameters of the failed statement, a password hash
 * and an email among them. This runs a whole order saga and a battery of bad input at debug
 * level, then looks in every log line for each password, hash and token it used.
 */
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../../src/shared/db/database.ts';
import { createLogger, serializeError } from '../../src/shared/logger.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { addItem, barista, openCafe, order, orderReaches, ticketOf, FAST_SAGA, type Cafe } from '../saga/support.ts';
import { ADMIN, startTestApp, type TestApp } from '../support/test-app.ts';

describe('logs hold no secrets', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  let app: TestApp;
  let cafe: Cafe;
  beforeAll(async () => {
    app = await startTestApp({ config: FAST_SAGA, logger: createLogger('debug', {}, sink) });
    cafe = await openCafe(app);
  }, 180_000);
  afterAll(() => app?.stop());

  it('a full saga run plus the bad-input battery logs no password, hash or token', { timeout: 120_000 }, async () => {
    const secrets: string[] = [ADMIN.password, 'correct-horse', cafe.admin, cafe.barista];
    const password = 'customer-secret-9';
    const email = `logs-${randomUUID()}@cafe.test`;
    secrets.push(password);
    expect((await app.http.post('/api/identity/register', { email, password, displayName: 'Logs' })).status).toBe(201);
    const pair = (await app.http.post('/api/identity/login', { email, password })).body;
    secrets.push(pair.accessToken, pair.refreshToken, pair.refreshToken.split('.')[1]);
    const rotated = (await app.http.post('/api/identity/refresh', { refreshToken: pair.refreshToken })).body;
    secrets.push(rotated.accessToken, rotated.refreshToken, rotated.refreshToken.split('.')[1]);
    const token = rotated.accessToken as string;

    // The saga, start to finish, and a review of what was delivered.
    const tea = await addItem(cafe, 'Log tea', 300);
    expect((await app.http.post('/api/payments/wallet/deposits', { amountCents: 1000 }, token)).status).toBe(201);
    const placed = await order(cafe, token, [{ itemId: tea.id, quantity: 1 }]);
    expect(placed.status).toBe(202);
    await orderReaches(cafe, token, placed.body.id, 'PAID');
    const ticket = await ticketOf(cafe, placed.body.id);
    for (const step of ['start', 'ready', 'handover'] as const) expect((await barista(cafe, ticket.id, step)).status).toBe(200);
    await orderReaches(cafe, token, placed.body.id, 'COMPLETED');
    await eventually(
      () => app.http.post('/api/reviews', { orderId: placed.body.id, itemId: tea.id, rating: 5, text: 'Lovely' }, token),
      (r) => r.status === 201,
      { within: 5000 },
    );

    // The bad-input battery.
    const battery = [
      () => app.http.post('/api/identity/register', { email: `n-${randomUUID()}@cafe.test`, password, displayName: 'A\u0000B' }),
      () => app.http.post('/api/catalog/items', { name: 'Tea\u0000', priceCents: 1 }, cafe.admin),
      () => app.http.post('/api/identity/login', { email, password: `${password}-wrong` }),
      () => app.http.post('/api/identity/login', { email: 'nobody@cafe.test', password }),
      () => app.http.post('/api/identity/refresh', { refreshToken: pair.refreshToken }),
      () => app.http.post('/api/identity/refresh', { refreshToken: `${'-'.repeat(36)}.${'a'.repeat(43)}` }),
      () => app.http.get('/api/identity/me', `${token}x`),
      () => app.http.get('/api/identity/me', 'not.a.token'),
      () => app.http.raw('/api/identity/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"email":"${email}","password":"${password}"` }),
      () => app.http.raw('/api/identity/login', { method: 'POST', headers: { 'content-type': 'application/evil+json' }, body: JSON.stringify({ email, password }) }),
      () => app.http.post('/api/identity/register', { email, password, displayName: 'Again' }),
      () => app.http.post('/api/identity/logout', { refreshToken: rotated.refreshToken }),
    ];
    for (const send of battery) expect((await send()).status).toBeLessThan(500);

    const hashes = await query<{ password_hash: string }>(app.kernel.db.admin, sql`select password_hash from identity.users`);
    for (const { password_hash } of hashes) secrets.push(password_hash, password_hash.split('$').at(-1)!);

    expect(lines.length).toBeGreaterThan(20);
    const leaks = secrets.flatMap((s) => lines.filter((l) => l.includes(s)).map((l) => `${s.slice(0, 12)}… in ${l.slice(0, 200)}`));
    expect(leaks).toEqual([]);
  });

  it('the error serializer drops query parameters from messages, stacks and causes', () => {
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { detail: 'Key (email)=(ann@example.com)', parameters: ['scrypt$131072$8$1$c2FsdA==$aGFzaA=='] });
    const err = Object.assign(new Error('Failed query: insert into "identity"."users" values ($1, $2)\nparams: ann@example.com,scrypt$131072$8$1$c2FsdA==$aGFzaA=='), { query: 'insert …', params: ['ann@example.com'], cause });
    const text = JSON.stringify(serializeError(err));
    expect(text).toContain('Failed query: insert into');
    expect(text).not.toContain('ann@example.com');
    expect(text).not.toContain('aGFzaA');
  });
});
