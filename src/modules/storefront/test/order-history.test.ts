import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import type { Db } from '../../../shared/db/database.ts';
import { OrderHistoryView } from '../application/order-history-view.ts';
import { ViewsStore } from '../db/views-store.ts';
import * as schema from '../db/schema.ts';
import { defineModule } from '../../../shared/module.ts';
import { moduleNamed } from '../../../../test/support/modules.ts';

const catalogModule = moduleNamed('catalog');

/** storefront's storage alone: catalog gives it an API to require, nothing else runs. */
const storageOnly = defineModule({ name: 'storefront', tables: schema, requires: [], publishes: [], subscribesTo: {}, setup: () => ({}) });

describe('storefront order history', () => {
  let app: TestApp;
  let db: Db;
  let view: OrderHistoryView;
  beforeAll(async () => {
    app = await startTestApp({ modules: [catalogModule, storageOnly] });
    db = app.kernel.db.forModule('storefront');
    view = new OrderHistoryView(new ViewsStore(db));
  });
  afterAll(() => app?.stop());

  it('keeps the furthest status when older ones arrive late, even stamped later by another clock', async () => {
    const orderId = uuidv7();
    const customerId = uuidv7();
    const status = (s: string, at: string) => db.transaction((tx) => view.statusChanged(tx, { orderId, customerId, status: s, reason: null, at }));
    await db.transaction((tx) =>
      view.placed(tx, { orderId, customerId, totalCents: 380, items: [{ itemId: uuidv7(), name: 'Flat white', quantity: 1, unitPriceCents: 380 }], placedAt: '2026-01-01T10:00:00.000Z' }),
    );
    await status('READY', '2026-01-01T10:05:00.000Z');
    await status('PREPARING', '2026-01-01T10:05:01.000Z'); // late, and its clock runs ahead
    await status('PAID', '2026-01-01T10:01:00.000Z'); // late
    expect(await view.of(customerId)).toMatchObject([{ id: orderId, status: 'READY', updatedAt: '2026-01-01T10:05:00.000Z' }]);

    await status('COMPLETED', '2026-01-01T10:06:00.000Z');
    await status('READY', '2026-01-01T10:07:00.000Z'); // a redelivery after the end
    expect(await view.of(customerId)).toMatchObject([{ id: orderId, status: 'COMPLETED', updatedAt: '2026-01-01T10:06:00.000Z' }]);
  });
});
