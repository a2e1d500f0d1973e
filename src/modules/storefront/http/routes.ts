import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../shared/http/app-env.ts';
import { principalOf, requireUser } from '../../../shared/http/auth.ts';
import type { MenuView } from '../application/menu-view.ts';
import type { OrderHistoryView } from '../application/order-history-view.ts';
import { MenuEntryDto, OrderHistoryEntryDto } from '../index.ts';

// Copies built with the OpenAPI-aware z, whatever order the contracts were loaded in.
const MenuEntry = z.object(MenuEntryDto.shape).openapi('MenuEntry');
const OrderHistoryEntry = z.object(OrderHistoryEntryDto.shape).openapi('OrderHistoryEntry');
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export function storefrontRoutes(router: OpenAPIHono<AppEnv>, menu: MenuView, orders: OrderHistoryView): OpenAPIHono<AppEnv> {
  router.openapi(
    createRoute({
      method: 'get',
      path: '/menu',
      tags: ['storefront'],
      summary: 'The shop menu with ratings (eventually consistent)',
      description: 'Served from storefront\'s own read model; it keeps answering from the last snapshot while catalog is unavailable.',
      responses: { 200: json(z.array(MenuEntry), 'Menu') },
    }),
    // Serialised once per snapshot; the bytes are the JSON the schema describes (hence the cast).
    async (c) => c.body((await menu.published()).json, 200, { 'content-type': 'application/json' }) as never,
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/my-orders',
      tags: ['storefront'],
      summary: 'The caller\'s order history, newest first (eventually consistent)',
      security: [{ bearer: [] }],
      middleware: [requireUser()] as const,
      responses: { 200: json(z.array(OrderHistoryEntry), 'Orders'), 401: problem },
    }),
    async (c) => c.json((await orders.of(principalOf(c).id)) as z.infer<typeof OrderHistoryEntry>[], 200),
  );
  return router;
}
