import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Kernel } from '../../src/shared/kernel.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { httpClient, startTestApp, type TestApp } from '../support/test-app.ts';
import { addItem, charges, customerWith, FAST_SAGA, openCafe, order } from './support.ts';

/**
 * The saga's state lives in the ordering schema, not in memory: an order whose charge could not
 * run before the process stopped is charged by the next process, once.
 */
describe('the saga across a restart', () => {
  // The embedded database needs a folder to survive the restart; real Postgres survives anyway.
  const dataDir = process.env['DATABASE_URL'] ? undefined : mkdtempSync(join(tmpdir(), 'cafe-saga-'));
  let first: TestApp | undefined;
  let second: Kernel | undefined;
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('a PENDING order left by a stopped process is paid by the next one', async () => {
    first = await startTestApp({ config: { ...FAST_SAGA, ...(dataDir ? { DATA_DIR: dataDir } : {}) } });
    const cafe = await openCafe(first);
    const item = await addItem(cafe, 'Cortado', 330);
    const customer = await customerWith(cafe, 1000);
    const attempts: string[] = [];
    first.kernel.injectFault('payments', (m) => (attempts.push(m), new Error('down')));
    const placed = await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }]);
    expect(placed.status).toBe(202);
    await eventually(async () => attempts.length, (n) => n >= 2);
    await first.kernel.stop();

    // A new process on the same database, with payments reachable again.
    second = await createApp(first.config);
    const http = httpClient(second);
    // Signing keys may differ between processes (in-memory keys): sign in again.
    const login = await http.post('/api/identity/login', { email: emailIn(customer.token), password: 'correct-horse' });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;
    const paid = await eventually(
      async () => (await http.get(`/api/orders/${placed.body.id}`, token)).body,
      (o) => o?.status === 'PAID',
      { within: 10_000 },
    );
    expect(paid.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PAID']);
    const w = (await http.get('/api/payments/wallet', token)).body;
    expect(charges(w.history, placed.body.id)).toBe(1);
    expect(w.balanceCents).toBe(670);
  }, 180_000);
});

/** The email an access token was issued to, read from its claims. */
function emailIn(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { email: string }).email;
}
