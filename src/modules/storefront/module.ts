import { defineModule } from '../../shared/index.ts';
import { catalogApi, ItemChanged } from '../catalog/index.ts';
import { OrderPlaced, OrderStatusChanged } from '../ordering/index.ts';
import { ReviewPosted } from '../reviews/index.ts';
import { MenuView, type Commit } from './application/menu-view.ts';
import { OrderHistoryView } from './application/order-history-view.ts';
import { ViewsStore } from './db/views-store.ts';
import * as schema from './db/schema.ts';
import { storefrontRoutes } from './http/routes.ts';
import { storefrontSettings } from './settings.ts';

/**
 * storefront: the CQRS query side and the shop page's BFF. Its read models are fed only by
 * events; the one outbound call is the re-read that a zero-payload `catalog.item-changed` asks for.
 */
export const storefrontModule = defineModule({
  name: 'storefront',
  mountPath: '/api/storefront',
  tables: schema,
  settings: storefrontSettings,
  requires: [catalogApi],
  publishes: [],
  subscribesTo: {
    'storefront.refresh-menu-item': ItemChanged,
    'storefront.count-rating': ReviewPosted,
    'storefront.order-placed': OrderPlaced,
    'storefront.order-status': OrderStatusChanged,
  },
  setup(ctx) {
    const store = new ViewsStore(ctx.db);
    const menu = new MenuView(store, ctx.api(catalogApi), ctx.logger, ctx.config.READ_CACHE_TTL_MS);
    const orders = new OrderHistoryView(store);
    const unitOfWork: Commit = (work) => ctx.unitOfWork((tx) => work(tx));

    // Catch-up for refreshes whose bus retries ran out while catalog was down.
    const retryEveryMs = Math.max(1000, ctx.config.OUTBOX_POLL_MS * 4);
    let timer: ReturnType<typeof setInterval> | undefined;
    let pass: Promise<unknown> | undefined;
    const catchUp = () => {
      pass ??= menu
        .retryPending(unitOfWork)
        .catch((err: unknown) => ctx.logger.error({ err }, 'menu catch-up pass failed'))
        .finally(() => (pass = undefined));
      return pass;
    };

    return {
      routes: storefrontRoutes(ctx.router(), menu, orders),
      handlers: {
        'storefront.refresh-menu-item': async ({ itemId }, { commit }) => menu.refresh(itemId, commit),
        'storefront.count-rating': async (review, { commit }) => menu.countRating(review.itemId, review.rating, commit),
        'storefront.order-placed': async (order, { commit }) => {
          await commit((tx) => orders.placed(tx, order), { touches: 'key' });
        },
        'storefront.order-status': async (change, { commit }) => {
          await commit((tx) => orders.statusChanged(tx, change), { touches: 'key' });
        },
      },
      async start() {
        await catchUp();
        timer = setInterval(() => void catchUp(), retryEveryMs);
        timer.unref?.();
      },
      async stop() {
        if (timer) clearInterval(timer);
        await pass;
      },
      async health() {
        const { count, oldest } = await menu.pendingSummary();
        // Serving the last snapshot is the designed fallback, so a backlog is reported, not failed.
        return { ok: true, detail: count === 0 ? 'menu up to date with catalog' : `${count} menu item(s) waiting for a catalog refresh since ${oldest}` };
      },
    };
  },
});
