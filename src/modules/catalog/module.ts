import { defineModule } from '../../shared/index.ts';
import { Menu } from './application/menu.ts';
import { ItemStore } from './db/item-store.ts';
import * as schema from './db/schema.ts';
import { catalogRoutes } from './http/routes.ts';
import { catalogApi, ItemChanged } from './index.ts';
import { catalogSettings } from './settings.ts';

export const catalogModule = defineModule({
  name: 'catalog',
  mountPath: '/api/catalog',
  tables: schema,
  settings: catalogSettings,
  provides: catalogApi,
  requires: [],
  publishes: [ItemChanged],
  subscribesTo: {},
  setup(ctx) {
    const menu = new Menu(new ItemStore(ctx.db), (work) => ctx.unitOfWork(work), ctx.config.READ_CACHE_TTL_MS);
    return {
      api: {
        getItems: ({ ids }) => menu.byIds(ids),
        getItem: async ({ id }) => (await menu.byIds([id]))[0] ?? null,
        listItems: () => menu.list(),
      },
      routes: catalogRoutes(ctx.router(), menu),
      async start() {
        const seed = ctx.config.SEED_DEMO_MENU ?? ctx.databaseKind === 'pglite';
        if (seed) {
          const n = await menu.seedDemoMenu();
          if (n > 0) ctx.logger.info({ items: n }, 'seeded the demo menu');
        }
      },
    };
  },
});
