import { uuidv7 } from 'uuidv7';
import type { Tx } from '../../../shared/db/database.ts';
import type { Publish } from '../../../shared/bus/subscription.ts';
import { conflict, notFound } from '../../../shared/errors.ts';
import { applyChanges, DEMO_MENU, type Item, type ItemChanges } from '../domain/item.ts';
import type { ItemStore } from '../db/item-store.ts';
import { ItemChanged } from '../index.ts';

type UnitOfWork = <T>(work: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;

/** catalog's use cases: the menu as the admin keeps it. */
export class Menu {
  constructor(
    private readonly store: ItemStore,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  list(): Promise<Item[]> {
    return this.store.list();
  }

  async get(id: string): Promise<Item> {
    const item = await this.store.byId(id);
    if (!item) throw notFound('Item');
    return item;
  }

  byIds(ids: string[]): Promise<Item[]> {
    return this.store.byIds(ids);
  }

  addItem(input: { name: string; priceCents: number; description?: string | null; available?: boolean }): Promise<Item> {
    return this.unitOfWork(async (tx, publish) => {
      const item: Item = {
        id: uuidv7(),
        name: input.name,
        description: input.description ?? null,
        priceCents: input.priceCents,
        available: input.available ?? true,
        version: 1,
      };
      await this.store.with(tx).insert(item);
      await publish(ItemChanged, { itemId: item.id });
      return item;
    });
  }

  /** `expectedVersion`, when given, must match the stored one: a lost update becomes a 409. */
  changeItem(id: string, changes: ItemChanges, expectedVersion?: number): Promise<Item> {
    return this.unitOfWork(async (tx, publish) => {
      const store = this.store.with(tx);
      const current = await store.byId(id, true);
      if (!current) throw notFound('Item');
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw conflict(`Item is at version ${current.version}, not ${expectedVersion}; re-read it and try again`, 'version-conflict');
      }
      const next = applyChanges(current, changes);
      if (!next) return current;
      await store.update(next);
      await publish(ItemChanged, { itemId: id });
      return next;
    });
  }

  /** A fresh embedded database gets a small menu so the shop has something to sell. */
  async seedDemoMenu(): Promise<number> {
    if ((await this.store.count()) > 0) return 0;
    for (const item of DEMO_MENU) await this.addItem(item);
    return DEMO_MENU.length;
  }
}
