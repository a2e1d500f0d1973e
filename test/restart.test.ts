import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { httpClient, testConfig } from './support/test-app.ts';

// The embedded default keeps its data folder: accounts, the menu and the signing key survive.
describe.skipIf(Boolean(process.env['DATABASE_URL']))('restart on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cafe-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps accounts, items and tokens across a restart', { timeout: 120_000 }, async () => {
    const config = testConfig({ DATA_DIR: dir, SEED_DEMO_MENU: true });
    const first = await createApp(config);
    const http1 = httpClient(first);
    expect((await http1.post('/api/identity/register', { email: 'keep@example.com', password: 'long-enough', displayName: 'K' })).status).toBe(201);
    const token = (await http1.post('/api/identity/login', { email: 'keep@example.com', password: 'long-enough' })).body.accessToken;
    const menu = (await http1.get('/api/catalog/items')).body;
    expect(menu.length).toBeGreaterThan(0);
    await first.stop();

    const second = await createApp(config);
    try {
      const http2 = httpClient(second);
      expect((await http2.get('/api/catalog/items')).body).toEqual(menu);
      // Same signing key from the data folder: a token from before the restart still verifies.
      expect((await http2.get('/api/identity/me', token)).body.email).toBe('keep@example.com');
      expect((await http2.post('/api/identity/login', { email: 'keep@example.com', password: 'long-enough' })).status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
