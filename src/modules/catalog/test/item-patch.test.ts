import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { catalogApi } from '../index.ts';

describe('catalog PATCH persists what it answers', () => {
  let app: TestApp;
  let admin: string;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.adminToken();
  });
  afterAll(() => app?.stop());

  it('saves a rename-only PATCH: the new name and version are read back', async () => {
    const item = (await app.http.post('/api/catalog/items', { name: 'Latte', priceCents: 350, description: 'Milky' }, admin)).body;
    const renamed = await app.http.patch(`/api/catalog/items/${item.id}`, { name: 'Oat latte', version: 1 }, admin);
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...item, name: 'Oat latte', version: 2 });

    const read = await app.http.get(`/api/catalog/items/${item.id}`);
    expect(read.body).toEqual({ ...item, name: 'Oat latte', version: 2 });
    expect(read.headers.get('etag')).toBe('"2"');
    // Other modules read the database directly: they see the rename too.
    expect(await app.kernel.api(catalogApi).getItem({ id: item.id })).toMatchObject({ name: 'Oat latte', version: 2 });
  });

  it('saves nothing for a PATCH that repeats the current values: the version stays', async () => {
    const item = (await app.http.post('/api/catalog/items', { name: 'Mocha', priceCents: 420 }, admin)).body;
    const same = await app.http.patch(`/api/catalog/items/${item.id}`, { name: 'Mocha', priceCents: 420, version: 1 }, admin);
    expect(same.status).toBe(200);
    expect(same.body).toEqual(item);
    expect(await app.kernel.api(catalogApi).getItem({ id: item.id })).toMatchObject({ version: 1 });
  });
});
