import { describe, expect, it } from 'vitest';
import { applyChanges, DEMO_MENU, type Item } from '../domain/item.ts';

const item: Item = { id: '0194a000-0000-7000-8000-000000000001', name: 'Latte', description: 'Milky', priceCents: 350, available: true, version: 4 };

describe('catalog item changes', () => {
  it('saves a rename alone as a new version, everything else kept', () => {
    expect(applyChanges(item, { name: 'Oat latte' })).toEqual({ ...item, name: 'Oat latte', version: 5 });
  });

  it('counts each field on its own as a change', () => {
    expect(applyChanges(item, { description: 'Very milky' })).toEqual({ ...item, description: 'Very milky', version: 5 });
    expect(applyChanges(item, { description: null })).toEqual({ ...item, description: null, version: 5 });
    expect(applyChanges(item, { priceCents: 360 })).toEqual({ ...item, priceCents: 360, version: 5 });
    expect(applyChanges(item, { available: false })).toEqual({ ...item, available: false, version: 5 });
  });

  it('answers nothing to save when every given value is the current one, or absent', () => {
    expect(applyChanges(item, {})).toBeUndefined();
    expect(applyChanges(item, { name: 'Latte', description: 'Milky', priceCents: 350, available: true })).toBeUndefined();
    expect(applyChanges(item, { name: undefined, priceCents: undefined })).toBeUndefined();
  });

  it('ignores absent fields next to a real change', () => {
    expect(applyChanges(item, { name: undefined, priceCents: 0 })).toEqual({ ...item, priceCents: 0, version: 5 });
  });
});

describe('the demo menu', () => {
  it('is something a customer can order from and the admin API would accept', () => {
    expect(DEMO_MENU.length).toBeGreaterThan(0);
    // Seeding writes these directly; they must still meet the rules of POST /items.
    for (const entry of DEMO_MENU) {
      expect(entry.name.trim().length, JSON.stringify(entry)).toBeGreaterThan(0);
      expect(entry.name.length).toBeLessThanOrEqual(120);
      expect(entry.description?.trim().length, JSON.stringify(entry)).toBeGreaterThan(0);
      expect(Number.isInteger(entry.priceCents) && entry.priceCents > 0).toBe(true);
    }
    expect(new Set(DEMO_MENU.map((e) => e.name.toLowerCase())).size).toBe(DEMO_MENU.length);
  });
});
