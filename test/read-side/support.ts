// The app (and with it the zod OpenAPI extension) loads before any module's contracts.
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { OrderCompleted, OrderPlaced, OrderStatusChanged, type OrderLine } from '../../src/modules/ordering/index.ts';
import { query } from '../../src/shared/db/database.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { orderingFixture } from './fixtures/ordering-fixture.ts';
import { moduleNamed } from '../support/modules.ts';

const catalogModule = moduleNamed('catalog');
const identityModule = moduleNamed('identity');
const reviewsModule = moduleNamed('reviews');
const storefrontModule = moduleNamed('storefront');

/** The read side with a stand-in ordering publisher: no saga, so tests decide what happened. */
export async function startReadSide() {
  const ordering = orderingFixture();
  const modules = [identityModule, catalogModule, ordering.definition, reviewsModule, storefrontModule] as readonly ModuleDefinition[];
  const app = await startTestApp({ modules });
  const orders = {
    /** Publishes the whole story of a completed order, as ordering would across its saga. */
    async complete(customerId: string, items: OrderLine[]) {
      const orderId = uuidv7();
      const totalCents = items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0);
      const t0 = Date.now();
      const at = (ms: number) => new Date(t0 + ms).toISOString();
      await ordering.publish(OrderPlaced, { orderId, customerId, totalCents, items, placedAt: at(0) });
      for (const [i, status] of (['PAID', 'PREPARING', 'READY', 'COMPLETED'] as const).entries()) {
        await ordering.publish(OrderStatusChanged, { orderId, customerId, status, reason: null, at: at(i + 1) });
      }
      await ordering.publish(OrderCompleted, { orderId, customerId, items, completedAt: at(4) });
      return orderId;
    },
    publish: ordering.publish,
  };
  return { app, orders };
}

export type ReadSide = Awaited<ReturnType<typeof startReadSide>>;

/** Rows of one storefront table, ordered by `orderBy`, straight from the module's schema. */
export function storefrontRows(app: TestApp, table: string, orderBy: string): Promise<Record<string, unknown>[]> {
  return query(app.kernel.db.forModule('storefront'), sql.raw(`select * from storefront.${table} order by ${orderBy}`));
}

export function line(item: { id: string; name: string; priceCents: number }, quantity = 1): OrderLine {
  return { itemId: item.id, name: item.name, quantity, unitPriceCents: item.priceCents };
}
