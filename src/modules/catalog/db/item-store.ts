import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../../shared/index.ts';
import type { Item } from '../domain/item.ts';
import { items } from './schema.ts';

const columns = {
  id: items.id,
  name: items.name,
  description: items.description,
  priceCents: items.priceCents,
  available: items.available,
  version: items.version,
};

export class ItemStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): ItemStore {
    return new ItemStore(tx);
  }

  list(): Promise<Item[]> {
    return this.db.select(columns).from(items).orderBy(asc(items.name), asc(items.id));
  }

  async byId(id: string, lock = false): Promise<Item | undefined> {
    const q = this.db.select(columns).from(items).where(eq(items.id, id));
    const [row] = lock ? await q.for('update') : await q;
    return row;
  }

  byIds(ids: string[]): Promise<Item[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.select(columns).from(items).where(inArray(items.id, ids));
  }

  async insert(item: Item): Promise<void> {
    await this.db.insert(items).values(item);
  }

  async update(item: Item): Promise<void> {
    await this.db
      .update(items)
      .set({ name: item.name, description: item.description, priceCents: item.priceCents, available: item.available, version: item.version, updatedAt: sql`now()` })
      .where(eq(items.id, item.id));
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(items);
    return row?.n ?? 0;
  }
}
