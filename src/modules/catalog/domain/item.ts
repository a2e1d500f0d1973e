export interface Item {
  id: string;
  name: string;
  description: string | null;
  priceCents: number;
  available: boolean;
  version: number;
}

export type ItemChanges = Partial<Pick<Item, 'name' | 'description' | 'priceCents' | 'available'>>;

/** Applies changes to an item; the version moves only when something actually changed. */
export function applyChanges(item: Item, changes: ItemChanges): Item | undefined {
  const next = { ...item, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) } as Item;
  const changed = next.name !== item.name || next.description !== item.description || next.priceCents !== item.priceCents || next.available !== item.available;
  return changed ? { ...next, version: item.version + 1 } : undefined;
}

export const DEMO_MENU: readonly Omit<Item, 'id' | 'version' | 'available'>[] = [
  { name: 'Espresso', description: 'A double shot of our house blend', priceCents: 250 },
  { name: 'Americano', description: 'Espresso lengthened with hot water', priceCents: 300 },
  { name: 'Flat white', description: 'Espresso with velvety steamed milk', priceCents: 380 },
  { name: 'Cappuccino', description: 'Espresso, steamed milk and a deep foam', priceCents: 370 },
  { name: 'Butter croissant', description: 'Baked every morning', priceCents: 290 },
];
