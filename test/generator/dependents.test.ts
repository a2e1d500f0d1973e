/** What keeps a module from being removed, read from the café's own definitions and sources. */
import '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { declaredUses, importUses } from '../../scripts/module/dependents.ts';
import { modules } from '../../src/modules.ts';

describe('uses of a module', () => {
  it('come from the definitions: required APIs and subscribed events', () => {
    expect(declaredUses('reviews', modules)).toEqual([{ by: 'storefront', what: 'subscribes to reviews.review-posted (subscription storefront.count-rating)' }]);
    const catalog = declaredUses('catalog', modules);
    expect(catalog.map((u) => u.by).sort()).toEqual(['ordering', 'storefront', 'storefront']);
    expect(catalog).toContainEqual({ by: 'storefront', what: "requires its API (requires: [catalog's contract])" });
    expect(catalog).toContainEqual({ by: 'storefront', what: 'subscribes to catalog.item-changed (subscription storefront.refresh-menu-item)' });
  });

  it('come from the sources: imports of its files, anywhere but its own folder and the composition root', () => {
    const reviews = importUses('reviews');
    expect(reviews).toContainEqual({ by: 'storefront', what: 'src/modules/storefront/module.ts imports src/modules/reviews/index.ts (ReviewPosted)' });
    expect(reviews.every((u) => !u.what.startsWith('src/modules/reviews/') && !u.what.startsWith('src/modules.ts'))).toBe(true);
    expect(reviews.some((u) => u.by === undefined && u.what.startsWith('test/'))).toBe(true);
  });

  it('are none for a module nothing uses', () => {
    expect(declaredUses('storefront', modules)).toEqual([]);
    expect(importUses('storefront').filter((u) => u.by !== undefined)).toEqual([]);
  });
});
