import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../shared/http/app-env.ts';
import { requireRole } from '../../../shared/http/auth.ts';
import { Problem } from '../../../shared/errors.ts';
import type { Menu } from '../application/menu.ts';
import { CatalogItemDto } from '../index.ts';
import { safeText } from '../../../shared/http/text.ts';

// A fresh object from the OpenAPI-aware z: contracts in index.ts are plain zod.
const Item = z.object(CatalogItemDto.shape).openapi('CatalogItem');
const ItemId = z.object({ id: z.uuid() });
const name = safeText(z.string().trim().min(1).max(120));
const priceCents = z.number().int().min(0).max(1_000_000);
const description = safeText(z.string().max(1000), { multiline: true }).nullable();
const NewItem = z.strictObject({ name, priceCents, description: description.optional(), available: z.boolean().optional() });
const ItemPatch = z
  .strictObject({
    name: name.optional(),
    priceCents: priceCents.optional(),
    available: z.boolean().optional(),
    description: description.optional(),
    version: z.number().int().positive().optional().describe('The version you read; a mismatch answers 409'),
  })
  .refine((p) => Object.keys(p).some((k) => k !== 'version'), { message: 'Give at least one of name, priceCents, available, description' });

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export function catalogRoutes(router: OpenAPIHono<AppEnv>, menu: Menu): OpenAPIHono<AppEnv> {
  router.openapi(
    createRoute({ method: 'get', path: '/items', tags: ['catalog'], summary: 'The menu', responses: { 200: json(z.array(Item), 'Items') } }),
    // The bytes were serialised once for the snapshot; they are the JSON the schema describes
    // (hence the cast from a body response to the typed JSON one).
    async (c) => c.body((await menu.published()).json, 200, { 'content-type': 'application/json' }) as never,
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/items/{id}',
      tags: ['catalog'],
      summary: 'One item',
      request: { params: ItemId },
      responses: { 200: json(Item, 'Item'), 400: problem, 404: problem },
    }),
    async (c) => {
      const item = await menu.get(c.req.valid('param').id);
      return c.json(item, 200, { etag: `"${item.version}"` });
    },
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/items',
      tags: ['catalog'],
      summary: 'Add an item to the menu',
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: NewItem } } } },
      responses: { 201: json(Item, 'Created'), 400: problem, 401: problem, 403: problem },
    }),
    async (c) => c.json(await menu.addItem(c.req.valid('json')), 201),
  );
  router.openapi(
    createRoute({
      method: 'patch',
      path: '/items/{id}',
      tags: ['catalog'],
      summary: 'Change an item (version + 1)',
      description: 'State the version you read in the body or as `If-Match: "<version>"`; a stale version answers 409.',
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: { params: ItemId, body: { required: true, content: { 'application/json': { schema: ItemPatch } } } },
      responses: { 200: json(Item, 'Changed'), 400: problem, 401: problem, 403: problem, 404: problem, 409: problem },
    }),
    async (c) => {
      const { version, ...changes } = c.req.valid('json');
      const expected = version ?? ifMatchVersion(c.req.header('if-match'));
      return c.json(await menu.changeItem(c.req.valid('param').id, changes, expected), 200);
    },
  );
  return router;
}

function ifMatchVersion(header: string | undefined): number | undefined {
  if (!header || header === '*') return undefined;
  const v = Number(header.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(v) || v < 1) {
    throw new Problem(400, 'validation', 'Invalid If-Match: expected "<version>"', { errors: [{ field: 'If-Match', message: 'expected a quoted version number', location: 'header' }] });
  }
  return v;
}
