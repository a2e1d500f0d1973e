/** Finding 2: the admin bootstrap promoted whatever account already had ADMIN_EMAIL, sessions and all. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { freshDatabase } from '../support/database.ts';
import { httpClient, testConfig } from '../support/test-app.ts';

const password = 'correct-horse';

describe('admin bootstrap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cafe-bootstrap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to promote an existing customer; with the override it promotes and revokes that account’s sessions', { timeout: 120_000 }, async () => {
    const db = await freshDatabase();
    const base = { DATA_DIR: dir, ...(db.url ? { DATABASE_URL: db.url } : {}) };
    try {
      const first = await createApp(testConfig(base));
      const http1 = httpClient(first);
      const email = 'squatter@cafe.test';
      expect((await http1.post('/api/identity/register', { email, password, displayName: 'S' })).status).toBe(201);
      const stolen = (await http1.post('/api/identity/login', { email, password })).body.refreshToken as string;
      await first.stop();

      // The attack: the operator later configures that email as the admin.
      const takeover = { ...base, ADMIN_EMAIL: email, ADMIN_PASSWORD: 'the-operators-secret' };
      await expect(createApp(testConfig(takeover))).rejects.toThrow(/refusing to promote it to admin.*ADMIN_PROMOTE_EXISTING/s);

      const promoted = await createApp(testConfig({ ...takeover, ADMIN_PROMOTE_EXISTING: true }));
      try {
        const http = httpClient(promoted);
        expect((await http.post('/api/identity/refresh', { refreshToken: stolen })).status).toBe(401);
        expect((await http.post('/api/identity/login', { email, password })).status).toBe(401);
        const admin = await http.post('/api/identity/login', { email, password: 'the-operators-secret' });
        expect(admin.status).toBe(200);
        expect((await http.get('/api/identity/me', admin.body.accessToken)).body.role).toBe('admin');
      } finally {
        await promoted.stop();
      }
    } finally {
      await db.drop();
    }
  });
});
