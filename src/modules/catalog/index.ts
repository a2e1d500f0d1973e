/**
 * catalog's public entry. Others read the menu through `catalogApi` and learn about changes
 * from the zero-payload `catalog.item-changed` event: it says which item, never what changed,
 * so a consumer always re-reads the current state and out-of-order delivery does no harm.
 */
import { z } from 'zod';
import { defineApi, defineEvent } from '../../shared/index.ts';

export const CatalogItemDto = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  priceCents: z.number().int().nonnegative(),
  available: z.boolean(),
  version: z.number().int().positive(),
});
export type CatalogItemDto = z.infer<typeof CatalogItemDto>;

export const catalogApi = defineApi('catalog', {
  /** Items by id; unknown ids are simply absent from the answer. */
  getItems: { input: z.object({ ids: z.array(z.uuid()).max(500) }), output: z.array(CatalogItemDto), idempotent: true },
  getItem: { input: z.object({ id: z.uuid() }), output: CatalogItemDto.nullable(), idempotent: true },
  listItems: { input: z.object({}), output: z.array(CatalogItemDto), idempotent: true },
});
export type CatalogApi = typeof catalogApi;

export const ItemChanged = defineEvent('catalog.item-changed', z.object({ itemId: z.uuid() }), { key: (p) => p.itemId });
