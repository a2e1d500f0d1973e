import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../../../shared/testing/scenario.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { catalogApi, ItemChanged } from '../index.ts';

describe('catalog', () => {
  let app: TestApp;
  let admin: string;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.adminToken();
  });
  afterAll(() => app?.stop());

  it('lets an admin add an item and publishes catalog.item-changed through the outbox', async () => {
    const { result, event } = await scenario(app.kernel.bus)
      .when(() => app.http.post('/api/catalog/items', { name: 'Mocha', priceCents: 420, description: 'Chocolate' }, admin))
      .expectEvent(ItemChanged, { where: (p, res) => p.itemId === res.body.id, within: 3000 });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ name: 'Mocha', priceCents: 420, available: true, version: 1 });
    expect(event.payload).toEqual({ itemId: result.body.id });
    expect(event.source).toBe('catalog');

    const list = await app.http.get('/api/catalog/items');
    expect(list.body.map((i: { id: string }) => i.id)).toContain(result.body.id);
    const one = await app.http.get(`/api/catalog/items/${result.body.id}`);
    expect(one.status).toBe(200);
    expect(one.headers.get('etag')).toBe('"1"');
  });

  it('bumps the version on change and refuses a stale version with 409', async () => {
    const item = (await app.http.post('/api/catalog/items', { name: 'Latte', priceCents: 350 }, admin)).body;
    const changed = await app.http.patch(`/api/catalog/items/${item.id}`, { priceCents: 360, version: 1 }, admin);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ priceCents: 360, version: 2 });
    const stale = await app.http.patch(`/api/catalog/items/${item.id}`, { priceCents: 370, version: 1 }, admin);
    expect(stale.status).toBe(409);
    const viaHeader = await app.http.patch(`/api/catalog/items/${item.id}`, { available: false }, admin, { 'if-match': '"1"' });
    expect(viaHeader.status).toBe(409);
    const ok = await app.http.patch(`/api/catalog/items/${item.id}`, { available: false }, admin, { 'if-match': '"2"' });
    expect(ok.body).toMatchObject({ available: false, version: 3 });
  });

  it('guards writes: no token 401, customer 403', async () => {
    const customer = await app.signUp();
    expect((await app.http.post('/api/catalog/items', { name: 'X', priceCents: 1 })).status).toBe(401);
    const forbidden = await app.http.post('/api/catalog/items', { name: 'X', priceCents: 1 }, customer.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.type).toContain('forbidden');
  });

  it('validates input and names the field', async () => {
    const bad = await app.http.post('/api/catalog/items', { name: '', priceCents: 1.5 }, admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['name', 'priceCents']);
    const notUuid = await app.http.get('/api/catalog/items/not-a-uuid');
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.errors[0].field).toBe('id');
    const missing = await app.http.get('/api/catalog/items/0194a000-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    const emptyPatch = await app.http.patch('/api/catalog/items/0194a000-0000-7000-8000-000000000000', {}, admin);
    expect(emptyPatch.status).toBe(400);
  });

  it('serves items to other modules through its public API as plain data', async () => {
    const item = (await app.http.post('/api/catalog/items', { name: 'Tea', priceCents: 200 }, admin)).body;
    const api = app.kernel.api(catalogApi);
    expect(await api.getItem({ id: item.id })).toMatchObject({ id: item.id, priceCents: 200 });
    expect(await api.getItems({ ids: [item.id, '0194a000-0000-7000-8000-000000000000'] })).toHaveLength(1);
  });

  it('saves a rename-only PATCH: the new name and version are read back', async () => {
    const item = (await app.http.post('/api/catalog/items', { name: 'Latte', priceCents: 350, description: 'Milky' }, admin)).body;
    const renamed = await app.http.patch(`/api/catalog/items/${item.id}`, { name: 'Oat latte', version: 1 }, admin);
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...item, name: 'Oat latte', version: 2 });

    const read = await app.http.get(`/api/catalog/items/${item.id}`);
    expect(read.body).toEqual({ ...item, name: 'Oat latte', version: 2 });
    expect(read.headers.get('etag')).toBe('"2"');
    // Other modules, through the public API, see the rename too.
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
