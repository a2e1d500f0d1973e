import { type ApiClient, type CommitOptions, type Tx, type Logger, ReadSnapshot } from '../../../shared/index.ts';
import type { CatalogApi } from '../../catalog/index.ts';
import type { ViewsStore } from '../db/views-store.ts';
import { averageRating } from '../domain/views.ts';

/** Runs writes in one transaction: a handler's `commit` or the module's unit of work. */
export type Commit = <T>(work: (tx: Tx) => Promise<T>, options?: CommitOptions) => Promise<T>;

export interface MenuPage {
  entries: readonly MenuEntry[];
  json: Uint8Array<ArrayBuffer>;
}

export interface MenuEntry {
  id: string;
  name: string;
  priceCents: number;
  available: boolean;
  avgRating: number | null;
  reviewCount: number;
}

/**
 * The menu as the shop page shows it: catalog's items (re-read on every zero-payload change)
 * joined with ratings. Reads never touch catalog, so the page answers from its last snapshot
 * even while catalog is down.
 */
export class MenuView {
  private readonly page: ReadSnapshot<MenuPage>;

  /**
   * `readCacheTtlMs`: how long the page may be answered from memory. Every menu change this
   * process commits drops the copy at once; the TTL bounds how long a change committed by
   * another instance sharing the database stays unseen. 0: always read the database.
   */
  constructor(
    private readonly store: ViewsStore,
    private readonly catalog: ApiClient<CatalogApi>,
    private readonly logger: Logger,
    readCacheTtlMs = 0,
  ) {
    this.page = new ReadSnapshot(async () => {
      const entries = await this.load();
      return { entries, json: new TextEncoder().encode(JSON.stringify(entries)) };
    }, readCacheTtlMs);
  }

  /** The menu with its JSON already serialised, for the shop page's hot path. */
  published(): Promise<MenuPage> {
    return this.page.get();
  }

  private async load(): Promise<MenuEntry[]> {
    const rows = await this.store.menu();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      priceCents: r.priceCents,
      available: r.available,
      avgRating: averageRating(r.ratingSum, r.reviewCount),
      reviewCount: r.reviewCount,
    }));
  }

  /**
   * Re-reads the item from catalog (outside any transaction: on the embedded database a call
   * inside one would deadlock), then stores it if newer. When catalog cannot answer, the item is
   * remembered in `pending_refresh` before the error propagates, so a retry exhausting the bus's
   * budget still leaves a marker the periodic job picks up.
   */
  async refresh(itemId: string, commit: Commit): Promise<void> {
    const fetchedFrom = new Date().toISOString();
    let item;
    try {
      item = await this.catalog.getItem({ id: itemId });
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      await this.store.markPending(itemId, message, new Date().toISOString());
      throw err;
    }
    await this.changing(() =>
      // The item's rows only (its snapshot and its pending marker): other items' refreshes may run beside it.
      commit(
        async (tx) => {
          const store = this.store.with(tx);
          if (item) await store.saveSnapshot(item);
          else await store.forgetItem(itemId);
          await store.clearPending(itemId, fetchedFrom);
        },
        { touches: 'key' },
      ),
    );
  }

  /**
   * Each review counts once: the bus's inbox guarantees the handler commits once per event. A
   * review's key is its item, so reviews of one item still add up one after another.
   */
  countRating(itemId: string, rating: number, commit: Commit): Promise<void> {
    return this.changing(() => commit((tx) => this.store.with(tx).addRating(itemId, rating), { touches: 'key' }));
  }

  /** Runs a commit that changes the menu, then drops the cached page (also on failure: the commit's fate may be unknown). */
  private async changing<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      this.page.invalidate();
    }
  }

  /**
   * One pass of the catch-up job over items whose refresh failed. Stops at the first failure:
   * catalog is most likely still down, and the next pass comes soon.
   */
  async retryPending(commit: Commit, batch = 50): Promise<{ refreshed: number; left: number }> {
    let refreshed = 0;
    for (const itemId of await this.store.pending(batch)) {
      try {
        await this.refresh(itemId, commit);
        refreshed++;
      } catch (err) {
        this.logger.debug({ err, itemId }, 'pending menu refresh still failing');
        break;
      }
    }
    const { count, oldest } = await this.store.pendingSummary();
    if (refreshed > 0) this.logger.info({ refreshed, pending: count }, 'caught up pending menu refreshes');
    if (count > 0) this.logger.warn({ pending: count, oldest }, 'menu items waiting for a refresh from catalog');
    return { refreshed, left: count };
  }

  pendingSummary(): Promise<{ count: number; oldest: string | null }> {
    return this.store.pendingSummary();
  }
}
