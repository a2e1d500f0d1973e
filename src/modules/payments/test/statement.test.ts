import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../shared/api.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { WalletEventStore } from '../db/wallet-event-store.ts';
import { encodeCursor } from '../http/statement-cursor.ts';
import { paymentsApi } from '../index.ts';
import { newId } from './support.ts';

interface Entry {
  type: string;
  amountCents: number;
  orderId?: string;
  at: string;
}
interface Statement {
  balanceCents: number;
  history: Entry[];
  next: string | null;
}

describe('the wallet statement, a page at a time', () => {
  let app: TestApp;
  let api: ApiClient<typeof paymentsApi>;
  beforeAll(async () => {
    app = await startTestApp();
    api = app.kernel.api(paymentsApi);
  });
  afterAll(() => app?.stop());

  const statement = async (token: string, query = ''): Promise<Statement> => {
    const res = await app.http.get<Statement>(`/api/payments/wallet${query}`, token);
    expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body;
  };

  /** Follows `next` from the first page to the last, as a client would. */
  async function allPages(token: string, limit: number): Promise<Statement[]> {
    const pages = [await statement(token, `?limit=${limit}`)];
    while (pages.at(-1)!.next) pages.push(await statement(token, `?limit=${limit}&cursor=${pages.at(-1)!.next}`));
    return pages;
  }

  it('pages through every movement once, oldest first, skipping the tombstones that move no money', async () => {
    const customer = await app.signUp();
    for (const cents of [500, 400, 300]) expect((await app.http.post('/api/payments/wallet/deposits', { amountCents: cents }, customer.token)).status).toBe(201);
    const paid = Array.from({ length: 6 }, () => newId());
    for (const orderId of paid) await api.charge({ customerId: customer.id, orderId, amountCents: 50 });
    await api.refund({ customerId: customer.id, orderId: newId() }); // a tombstone, not a movement
    await api.refund({ customerId: customer.id, orderId: paid[0]! });

    const whole = await statement(customer.token);
    expect(whole.next).toBeNull();
    expect(whole.balanceCents).toBe(1200 - 5 * 50);
    expect(whole.history.map((h) => h.type)).toEqual(['deposited', 'deposited', 'deposited', ...paid.map(() => 'charged'), 'refunded']);

    const pages = await allPages(customer.token, 4);
    expect(pages.map((p) => p.history.length)).toEqual([4, 4, 2]);
    expect(pages.flatMap((p) => p.history)).toEqual(whole.history);
    for (const page of pages) expect(page.balanceCents).toBe(whole.balanceCents);
    // A page that ends exactly on the last movement says so: no empty page after it.
    expect((await allPages(customer.token, 5)).map((p) => p.history.length)).toEqual([5, 5]);
  });

  it('continues where the cursor points even when new movements arrived meanwhile: no gap, no repeat', async () => {
    const customer = await app.signUp();
    for (let i = 1; i <= 3; i++) await app.http.post('/api/payments/wallet/deposits', { amountCents: i }, customer.token);
    const first = await statement(customer.token, '?limit=2');
    await app.http.post('/api/payments/wallet/deposits', { amountCents: 4 }, customer.token);
    const second = await statement(customer.token, `?limit=2&cursor=${first.next}`);
    expect([...first.history, ...second.history].map((h) => h.amountCents)).toEqual([1, 2, 3, 4]);
    expect(second.next).toBeNull();
    expect(second.balanceCents).toBe(10);
  });

  it('answers the first page by default: the contract’s shape, with `next` when more follow', async () => {
    const customer = await app.signUp();
    const at = new Date();
    // Written through payments' own store: a long history without a hundred requests.
    await new WalletEventStore(app.kernel.db.forModule('payments')).append(
      customer.id,
      0,
      Array.from({ length: 130 }, () => ({ type: 'deposited' as const, amountCents: 1, at })),
    );
    const first = await statement(customer.token);
    expect(first.history).toHaveLength(100);
    expect(first.balanceCents).toBe(130);
    expect(first.next).toEqual(expect.any(String));
    const rest = await statement(customer.token, `?cursor=${first.next}`);
    expect(rest.history).toHaveLength(30);
    expect(rest.next).toBeNull();
    expect((await statement(customer.token, '?limit=500')).history).toHaveLength(130);
  });

  it('refuses a bad limit or cursor with a 400 naming the field', async () => {
    const customer = await app.signUp();
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    const bad: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=-3', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=many', 'limit'],
      ['cursor=', 'cursor'],
      ['cursor=not%20a%20cursor', 'cursor'],
      [`cursor=${b64('w1:-1')}`, 'cursor'],
      [`cursor=${b64('w1:01')}`, 'cursor'],
      [`cursor=${b64('w2:5')}`, 'cursor'],
      [`cursor=${b64('w1:99999999999')}`, 'cursor'],
      [`cursor=${'A'.repeat(65)}`, 'cursor'],
    ];
    for (const [query, field] of bad) {
      const res = await app.http.get(`/api/payments/wallet?${query}`, customer.token);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))], query).toEqual([field]);
    }
    expect((await app.http.get('/api/payments/wallet?limit=1', 'not-a-token')).status).toBe(401);
  });

  it('a cursor carries no authority: used by another customer it only reads that customer’s own stream', async () => {
    const owner = await app.signUp();
    const other = await app.signUp();
    for (let i = 0; i < 3; i++) await app.http.post('/api/payments/wallet/deposits', { amountCents: 700 }, owner.token);
    await app.http.post('/api/payments/wallet/deposits', { amountCents: 5 }, other.token);
    await app.http.post('/api/payments/wallet/deposits', { amountCents: 6 }, other.token);
    const ownersPage = await statement(owner.token, '?limit=1');
    const borrowed = await statement(other.token, `?cursor=${ownersPage.next}`);
    expect(borrowed).toEqual({ balanceCents: 11, history: [expect.objectContaining({ amountCents: 6 })], next: null });
    expect(await statement(other.token, `?cursor=${encodeCursor(1000)}`)).toEqual({ balanceCents: 11, history: [], next: null });
  });
});
