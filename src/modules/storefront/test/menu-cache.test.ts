import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { eventually, scenario } from '../../../shared/testing/scenario.ts';
import { ItemChanged } from '../../catalog/index.ts';
import { ViewsStore } from '../db/views-store.ts';

const TTL_MS = 3000;

interface Entry {
  id: string;
  name: string;
  priceCents: number;
}

describe('storefront menu cache', () => {
  let app: TestApp;
  let admin: string;
  beforeAll(async () => {
    app = await startTestApp({ config: { READ_CACHE_TTL_MS: TTL_MS } });
    admin = await app.adminToken();
  });
  afterAll(() => app?.stop());

  const entry = async (id: string) => (await app.http.get<Entry[]>('/api/storefront/menu')).body.find((e) => e.id === id);

  it('shows a refresh committed by its own handler on the very next read', async () => {
    const item = (await app.http.post('/api/catalog/items', { name: 'Macchiato', priceCents: 310 }, admin)).body;
    await eventually(() => entry(item.id), (e) => e?.priceCents === 310, { within: 5000 });
    await scenario(app.kernel.bus)
      .when(() => app.http.patch(`/api/catalog/items/${item.id}`, { priceCents: 320 }, admin))
      .expectHandled('storefront.refresh-menu-item', ItemChanged, { where: (p) => p.itemId === item.id, within: 5000 });
    expect((await entry(item.id))?.priceCents).toBe(320);
  });

  it('picks up a change committed by another instance within the TTL', async () => {
    const item = (await app.http.post('/api/catalog/items', { name: 'Affogato', priceCents: 450 }, admin)).body;
    await eventually(() => entry(item.id), (e) => e?.priceCents === 450, { within: 5000 });
    // Another instance's handler wrote the view: this process's cache was not told.
    await new ViewsStore(app.kernel.db.forModule('storefront')).saveSnapshot({ ...item, name: 'Affogato', priceCents: 470, version: 99 });
    await eventually(() => entry(item.id), (e) => e?.priceCents === 470, { within: TTL_MS + 3000, interval: 50 });
  });
});
