import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { type AppEnv, json, jsonBody, operation, uuid, safeText, conflict, notFound, Problem } from '../../../shared/http/index.ts';
import type { ChangeRefusal, Menu } from '../application/menu.ts';
import { CatalogItemDto } from '../index.ts';

// A fresh object from the OpenAPI-aware z: contracts in index.ts are plain zod.
const Item = z.object(CatalogItemDto.shape).openapi('CatalogItem');
const ItemId = z.object({ id: uuid() });
const name = safeText(z.string().trim().min(1).max(120));
const priceCents = z.number().int().min(0).max(1_000_000);
const description = safeText(z.string().max(1000), { multiline: true }).nullable();
const NewItem = z.strictObject({ name, priceCents, description: description.optional(), available: z.boolean().optional() }).openapi('NewCatalogItem');
const ItemPatch = z
  .strictObject({
    name: name.optional(),
    priceCents: priceCents.optional(),
    available: z.boolean().optional(),
    description: description.optional(),
    version: z.number().int().positive().optional().describe('The version you read; a mismatch answers 409'),
  })
  .refine((p) => Object.keys(p).some((k) => k !== 'version'), { message: 'Give at least one of name, priceCents, available, description' })
  // The refinement as a schema rule: at least one property besides version.
  .openapi('CatalogItemPatch', { minProperties: 1, not: { type: 'object', properties: { version: {} }, required: ['version'], maxProperties: 1 } });
const IfMatch = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({ description: 'The version you read, as `"<version>"` (or `*`); the body\'s version wins when both are given', example: '"3"' }),
});

export function catalogRoutes(router: OpenAPIHono<AppEnv>, menu: Menu): OpenAPIHono<AppEnv> {
  router.openapi(
    operation(
      { method: 'get', path: '/items', operationId: 'listMenuItems', tags: ['catalog'], summary: 'The menu', responses: { 200: json(z.array(Item), 'Items') } },
      { access: 'public' },
    ),
    // The bytes were serialised once for the snapshot; they are the JSON the schema describes
    // (hence the cast from a body response to the typed JSON one).
    async (c) => c.body((await menu.published()).json, 200, { 'content-type': 'application/json' }) as never,
  );
  router.openapi(
    operation(
      {
        method: 'get',
        path: '/items/{id}',
        operationId: 'getMenuItem',
        tags: ['catalog'],
        summary: 'One item',
        request: { params: ItemId },
        responses: { 200: json(Item, 'Item', ['ETag']) },
      },
      { access: 'public', errors: { 404: 'No such item' } },
    ),
    async (c) => {
      const item = await menu.get(c.req.valid('param').id);
      if (!item) throw notFound('Item');
      return c.json(item, 200, { etag: `"${item.version}"` });
    },
  );
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/items',
        operationId: 'addMenuItem',
        tags: ['catalog'],
        summary: 'Add an item to the menu',
        request: { body: jsonBody(NewItem) },
        responses: { 201: json(Item, 'Created') },
      },
      { access: { roles: ['admin'] } },
    ),
    async (c) => c.json(await menu.addItem(c.req.valid('json')), 201),
  );
  router.openapi(
    operation(
      {
        method: 'patch',
        path: '/items/{id}',
        operationId: 'changeMenuItem',
        tags: ['catalog'],
        summary: 'Change an item (version + 1)',
        description: 'State the version you read in the body or as `If-Match: "<version>"`; a stale version answers 409.',
        request: { params: ItemId, headers: IfMatch, body: jsonBody(ItemPatch) },
        responses: { 200: json(Item, 'Changed') },
      },
      { access: { roles: ['admin'] }, errors: { 404: 'No such item', 409: 'The item is at another version than the one stated (`version-conflict`)' } },
    ),
    async (c) => {
      const { version, ...changes } = c.req.valid('json');
      const expected = version ?? ifMatchVersion(c.req.valid('header')['if-match']);
      const changed = await menu.changeItem(c.req.valid('param').id, changes, expected);
      if (!changed.ok) throw refusalProblem(changed.refusal);
      return c.json(changed.item, 200);
    },
  );
  return router;
}

function refusalProblem(refusal: ChangeRefusal): Problem {
  switch (refusal.reason) {
    case 'not_found':
      return notFound('Item');
    case 'version_conflict':
      return conflict(`Item is at version ${refusal.currentVersion}, not ${refusal.expectedVersion}; re-read it and try again`, 'version-conflict');
  }
}

function ifMatchVersion(header: string | undefined): number | undefined {
  if (!header || header === '*') return undefined;
  const v = Number(header.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(v) || v < 1) {
    throw new Problem(400, 'validation', 'Invalid If-Match: expected "<version>"', { errors: [{ field: 'If-Match', message: 'expected a quoted version number', location: 'header' }] });
  }
  return v;
}
