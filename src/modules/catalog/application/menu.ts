import { uuidv7 } from 'uuidv7';
import { type Tx, type Publish, ReadSnapshot } from '../../../shared/index.ts';
import { applyChanges, DEMO_MENU, type Item, type ItemChanges } from '../domain/item.ts';
import type { ItemStore } from '../db/item-store.ts';
import { ItemChanged } from '../index.ts';

type UnitOfWork = <T>(work: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;

/** Why a change was not made: data for the caller to map, never an HTTP answer. */
export type ChangeRefusal = { reason: 'not_found' } | { reason: 'version_conflict'; currentVersion: number; expectedVersion: number };
export type ChangeOutcome = { ok: true; item: Item } | { ok: false; refusal: ChangeRefusal };

/** The whole menu as the public HTTP reads serve it, with the list already serialised. */
export interface MenuPage {
  items: readonly Item[];
  byId: ReadonlyMap<string, Item>;
  json: Uint8Array<ArrayBuffer>;
}

/**
 * catalog's use cases: the menu as the admin keeps it. Public HTTP reads come from a snapshot
 * (at most `readCacheTtlMs` old, dropped after every write made here); the module API that
 * ordering prices from and storefront re-reads from always reads the database.
 */
export class Menu {
  private readonly page: ReadSnapshot<MenuPage>;

  constructor(
    private readonly store: ItemStore,
    private readonly unitOfWork: UnitOfWork,
    private readonly readCacheTtlMs = 0,
  ) {
    this.page = new ReadSnapshot(async () => {
      const items = await this.store.list();
      return { items, byId: new Map(items.map((i) => [i.id, i])), json: new TextEncoder().encode(JSON.stringify(items)) };
    }, readCacheTtlMs);
  }

  list(): Promise<Item[]> {
    return this.store.list();
  }

  byIds(ids: string[]): Promise<Item[]> {
    return this.store.byIds(ids);
  }

  /** The menu for public HTTP reads. */
  published(): Promise<MenuPage> {
    return this.page.get();
  }

  /** One item for public HTTP reads; undefined when there is none. */
  async get(id: string): Promise<Item | undefined> {
    // Without a snapshot, one row is cheaper than the whole menu.
    return this.readCacheTtlMs > 0 ? (await this.page.get()).byId.get(id) : await this.store.byId(id);
  }

  addItem(input: { name: string; priceCents: number; description?: string | null; available?: boolean }): Promise<Item> {
    return this.write(async (tx, publish) => {
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

  /** `expectedVersion`, when given, must match the stored one: a lost update is refused. */
  changeItem(id: string, changes: ItemChanges, expectedVersion?: number): Promise<ChangeOutcome> {
    return this.write(async (tx, publish): Promise<ChangeOutcome> => {
      const store = this.store.with(tx);
      const current = await store.byId(id, true);
      if (!current) return { ok: false, refusal: { reason: 'not_found' } };
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        return { ok: false, refusal: { reason: 'version_conflict', currentVersion: current.version, expectedVersion } };
      }
      const next = applyChanges(current, changes);
      if (!next) return { ok: true, item: current };
      await store.update(next);
      await publish(ItemChanged, { itemId: id });
      return { ok: true, item: next };
    });
  }

  /** Runs a write and then drops the snapshot (also on failure: the commit's fate may be unknown). */
  private async write<T>(work: (tx: Tx, publish: Publish) => Promise<T>): Promise<T> {
    try {
      return await this.unitOfWork(work);
    } finally {
      this.page.invalidate();
    }
  }

  /** A fresh embedded database gets a small menu so the shop has something to sell. */
  async seedDemoMenu(): Promise<number> {
    if ((await this.store.count()) > 0) return 0;
    for (const item of DEMO_MENU) await this.addItem(item);
    return DEMO_MENU.length;
  }
}
