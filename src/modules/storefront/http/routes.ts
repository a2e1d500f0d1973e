import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { type AppEnv, principalOf, json, operation } from '../../../shared/http/index.ts';
import type { MenuView } from '../application/menu-view.ts';
import type { OrderHistoryView } from '../application/order-history-view.ts';
import { MenuEntryDto, OrderHistoryEntryDto } from '../index.ts';

// Copies built with the OpenAPI-aware z, whatever order the contracts were loaded in.
const MenuEntry = z.object(MenuEntryDto.shape).openapi('MenuEntry');
const OrderHistoryEntry = z.object(OrderHistoryEntryDto.shape).openapi('OrderHistoryEntry');

export function storefrontRoutes(router: OpenAPIHono<AppEnv>, menu: MenuView, orders: OrderHistoryView): OpenAPIHono<AppEnv> {
  router.openapi(
    operation(
      {
        method: 'get',
        path: '/menu',
        operationId: 'getShopMenu',
        tags: ['storefront'],
        summary: 'The shop menu with ratings (eventually consistent)',
        description: 'Served from storefront\'s own read model; it keeps answering from the last snapshot while catalog is unavailable.',
        responses: { 200: json(z.array(MenuEntry), 'Menu') },
      },
      { access: 'public' },
    ),
    // Serialised once per snapshot; the bytes are the JSON the schema describes (hence the cast).
    async (c) => c.body((await menu.published()).json, 200, { 'content-type': 'application/json' }) as never,
  );
  router.openapi(
    operation(
      {
        method: 'get',
        path: '/my-orders',
        operationId: 'getMyOrderHistory',
        tags: ['storefront'],
        summary: 'The caller\'s order history, newest first (eventually consistent)',
        responses: { 200: json(z.array(OrderHistoryEntry), 'Orders') },
      },
      { access: 'user' },
    ),
    async (c) => c.json((await orders.of(principalOf(c).id)) as z.infer<typeof OrderHistoryEntry>[], 200),
  );
  return router;
}
