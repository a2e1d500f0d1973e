import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { uuidv7 } from 'uuidv7';
import { ViewsStore } from '../db/views-store.ts';
import { averageRating } from '../domain/views.ts';
import * as schema from '../db/schema.ts';
import { defineModule } from '../../../shared/module.ts';
import { moduleNamed } from '../../../../test/support/modules.ts';

const catalogModule = moduleNamed('catalog');

/** storefront's storage alone: catalog gives it an API to require, nothing else runs. */
const storageOnly = defineModule({ name: 'storefront', tables: schema, requires: [], publishes: [], subscribesTo: {}, setup: () => ({}) });

describe('storefront storage', () => {
  let app: TestApp;
  let store: ViewsStore;
  beforeAll(async () => {
    app = await startTestApp({ modules: [catalogModule, storageOnly] });
    store = new ViewsStore(app.kernel.db.forModule('storefront'));
  });
  afterAll(() => app?.stop());

  it('never lets an older (or the same) catalog answer overwrite a newer snapshot', async () => {
    const id = uuidv7();
    expect(await store.saveSnapshot({ id, name: 'Chai', priceCents: 300, available: true, version: 3 })).toBe(true);
    expect(await store.saveSnapshot({ id, name: 'Chai (old)', priceCents: 250, available: true, version: 2 })).toBe(false);
    expect(await store.saveSnapshot({ id, name: 'Chai', priceCents: 300, available: true, version: 3 })).toBe(false);
    expect(await store.saveSnapshot({ id, name: 'Chai latte', priceCents: 320, available: false, version: 4 })).toBe(true);
    expect((await store.menu()).find((m) => m.id === id)).toMatchObject({ name: 'Chai latte', priceCents: 320, available: false, version: 4, reviewCount: 0 });
  });

  it('keeps a newer status when an older one arrives later, and ranks statuses of the same instant', async () => {
    const orderId = uuidv7();
    const customerId = uuidv7();
    const at = '2026-01-01T10:00:00.000Z';
    await store.statusChanged({ orderId, customerId, status: 'PAID', reason: null, at, rank: 1 });
    await store.statusChanged({ orderId, customerId, status: 'PENDING', reason: null, at, rank: 0 });
    await store.orderPlaced({ orderId, customerId, totalCents: 250, items: [{ itemId: uuidv7(), name: 'Espresso', quantity: 1, unitPriceCents: 250 }], placedAt: at });
    const [order] = await store.ordersOf(customerId);
    expect(order).toMatchObject({ orderId, status: 'PAID', totalCents: 250 });
  });

  it('reads the mean rating rounded to two decimals, null without reviews', () => {
    expect(averageRating(0, 0)).toBeNull();
    expect(averageRating(13, 3)).toBe(4.33);
    expect(averageRating(14, 3)).toBe(4.67);
    expect(averageRating(5, 1)).toBe(5);
  });
});
