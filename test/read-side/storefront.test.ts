import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// First: the app loads the zod OpenAPI extension that catalog's routes expect before its contracts.
import { line, startReadSide, storefrontRows, type ReadSide } from './support.ts';
import { uuidv7 } from 'uuidv7';
import { ItemChanged } from '../../src/modules/catalog/index.ts';
import { OrderPlaced, OrderStatusChanged } from '../../src/modules/ordering/index.ts';
import { ReviewPosted } from '../../src/modules/reviews/index.ts';
import type { Envelope } from '../../src/shared/bus/contract.ts';
import { rebuildProjection } from '../../src/shared/bus/rebuild.ts';
import { query } from '../../src/shared/db/database.ts';
import { eventually, scenario } from '../../src/shared/testing/scenario.ts';
import { sql } from 'drizzle-orm';
import { moduleNamed } from '../support/modules.ts';

const storefrontModule = moduleNamed('storefront');

interface MenuEntry {
  id: string;
  name: string;
  priceCents: number;
  available: boolean;
  avgRating: number | null;
  reviewCount: number;
}

describe('storefront read models', () => {
  let side: ReadSide;
  let admin: string;
  const menu = async () => (await side.app.http.get<MenuEntry[]>('/api/storefront/menu')).body;
  const entry = async (id: string) => (await menu()).find((e) => e.id === id);
  const addItem = async (name: string, priceCents: number) => (await side.app.http.post('/api/catalog/items', { name, priceCents }, admin)).body;

  beforeAll(async () => {
    side = await startReadSide();
    admin = await side.app.adminToken();
  });
  afterAll(() => side?.app.stop());

  it('shows a new item and a price change on the menu within a bounded time, without restart', async () => {
    const item = await addItem('Cortado', 320);
    const shown = await eventually(() => entry(item.id), (e) => e !== undefined, { within: 3000 });
    expect(shown).toEqual({ id: item.id, name: 'Cortado', priceCents: 320, available: true, avgRating: null, reviewCount: 0 });

    const started = Date.now();
    expect((await side.app.http.patch(`/api/catalog/items/${item.id}`, { priceCents: 340, available: false }, admin)).status).toBe(200);
    await eventually(() => entry(item.id), (e) => e?.priceCents === 340 && e.available === false, { within: 3000 });
    // The lag a client sees is the relay's wake-up plus one catalog read: well under the poll interval here.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('shows ratings once reviews are posted: mean rounded to two decimals, count', async () => {
    const item = await addItem('Pain au chocolat', 300);
    await eventually(() => entry(item.id), (e) => e !== undefined, { within: 3000 });
    const ratings = [5, 4, 4];
    for (const rating of ratings) {
      const customer = await side.app.signUp();
      const orderId = await side.orders.complete(customer.id, [line(item)]);
      await eventually(
        () => side.app.http.post('/api/reviews', { orderId, itemId: item.id, rating, text: 'ok' }, customer.token),
        (r) => r.status === 201,
        { within: 5000 },
      );
    }
    const rated = await eventually(() => entry(item.id), (e) => e?.reviewCount === 3, { within: 5000 });
    expect(rated!.avgRating).toBe(4.33);
  });

  it('ends at the latest catalog state whatever order (and how often) item-changed arrives', async () => {
    const item = await addItem('Mocha', 400);
    await eventually(() => entry(item.id), (e) => e !== undefined, { within: 3000 });
    const captured: Envelope[] = [];
    const off = side.app.kernel.bus.observe((o) => {
      if (o.kind === 'published' && o.envelope.type === ItemChanged.type && (o.envelope.payload as { itemId: string }).itemId === item.id) captured.push(o.envelope);
    });
    try {
      for (const priceCents of [410, 420, 430, 440]) await side.app.http.patch(`/api/catalog/items/${item.id}`, { priceCents }, admin);
      await eventually(async () => captured.length, (n) => n === 4, { within: 3000 });
      await eventually(() => entry(item.id), (e) => e?.priceCents === 440, { within: 3000 });
    } finally {
      off();
    }

    // Forget what storefront did with them, as a fresh replica would, then redeliver shuffled with duplicates
    // while the admin changes the item once more.
    const db = side.app.kernel.db.forModule('storefront');
    await db.execute(sql`delete from storefront.menu_items where id = ${item.id}`);
    await db.execute(sql`delete from storefront.inbox where subscription = 'storefront.refresh-menu-item' and event_id in (${sql.join(captured.map((e) => sql`${e.id}::uuid`), sql`, `)})`);
    const redeliveries = shuffle([...captured, captured[0]!, captured[2]!, captured[2]!, captured[3]!]);
    await Promise.all([
      ...redeliveries.map((e) => side.app.kernel.bus.transport.dispatch(e)),
      side.app.http.patch(`/api/catalog/items/${item.id}`, { priceCents: 450, name: 'Mocha grande' }, admin),
    ]);
    const latest = await eventually(() => entry(item.id), (e) => e?.priceCents === 450, { within: 3000 });
    expect(latest).toMatchObject({ name: 'Mocha grande', priceCents: 450 });
    const [row] = await storefrontRows(side.app, `menu_items where id = '${item.id}'`, 'id');
    expect(row!['version']).toBe(6);
    const inbox = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from storefront.inbox where subscription = 'storefront.refresh-menu-item' and status = 'done' and event_id in (${sql.join(captured.map((e) => sql`${e.id}::uuid`), sql`, `)})`,
    );
    // In process every redelivery reaches the inbox, which lets each event through once; BullMQ
    // already collapses a repeated (event, subscription) job id at the queue.
    if (side.app.kernel.bus.transport.name === 'inprocess') expect(inbox[0]!.n).toBe(4);
    else expect(inbox[0]!.n).toBeLessThanOrEqual(4);
  });

  it('keeps serving the last snapshot while catalog is down, and catches up once it is back', async () => {
    const item = await addItem('Flat white', 380);
    await eventually(() => entry(item.id), (e) => e !== undefined, { within: 3000 });
    const kernel = side.app.kernel;
    kernel.injectFault('catalog', () => new Error('down'));
    try {
      // The bus retries the re-read until its budget is spent; the refresh is remembered as pending.
      await scenario(kernel.bus)
        .when(() => side.app.http.patch(`/api/catalog/items/${item.id}`, { priceCents: 395 }, admin))
        .expectState(
          () => kernel.bus.deadLetters(),
          (letters) => letters.some((d) => d.subscription === 'storefront.refresh-menu-item' && (d.envelope.payload as { itemId: string }).itemId === item.id),
          { within: 10_000 },
        );
      const during = await side.app.http.get<MenuEntry[]>('/api/storefront/menu');
      expect(during.status).toBe(200);
      expect(during.body.find((e) => e.id === item.id)?.priceCents).toBe(380);
      const ready = await side.app.http.get('/health/ready', await side.app.adminToken());
      expect(ready.body.checks.storefront.detail).toMatch(/1 menu item\(s\) waiting/);
    } finally {
      kernel.injectFault('catalog', undefined);
    }
    // No new event arrives: the periodic catch-up job alone brings the menu up to date.
    await eventually(() => entry(item.id), (e) => e?.priceCents === 395, { within: 10_000 });
    const operator = await side.app.adminToken();
    await eventually(() => side.app.http.get('/health/ready', operator), (r) => /up to date/.test(r.body.checks.storefront.detail), { within: 3000 });
  });

  it("shows a customer's own orders, newest first, whatever order placement and status events arrive in", async () => {
    const item = await addItem('Espresso', 250);
    const alice = await side.app.signUp();
    const bob = await side.app.signUp();
    const first = uuidv7();
    const second = uuidv7();
    const t = Date.now();
    const at = (ms: number) => new Date(t + ms).toISOString();
    const lines = [line(item, 2)];
    // Status news before the placement, and an older status after a newer one.
    await side.orders.publish(OrderStatusChanged, { orderId: first, customerId: alice.id, status: 'PAID', reason: null, at: at(10) });
    await side.orders.publish(OrderPlaced, { orderId: first, customerId: alice.id, totalCents: 500, items: lines, placedAt: at(0) });
    await side.orders.publish(OrderStatusChanged, { orderId: first, customerId: alice.id, status: 'PENDING', reason: null, at: at(0) });
    await side.orders.publish(OrderPlaced, { orderId: second, customerId: alice.id, totalCents: 500, items: lines, placedAt: at(20) });
    await side.orders.publish(OrderStatusChanged, { orderId: second, customerId: alice.id, status: 'CANCELLED', reason: 'customer_cancelled', at: at(30) });

    const mine = await eventually(
      async () => (await side.app.http.get('/api/storefront/my-orders', alice.token)).body,
      (list: { id: string; status: string }[]) => list.length === 2 && list[0]?.status === 'CANCELLED' && list[1]?.status === 'PAID',
      { within: 5000 },
    );
    expect(mine).toEqual([
      { id: second, status: 'CANCELLED', reason: 'customer_cancelled', totalCents: 500, items: lines, placedAt: at(20), updatedAt: at(30) },
      { id: first, status: 'PAID', reason: null, totalCents: 500, items: lines, placedAt: at(0), updatedAt: at(10) },
    ]);
    expect((await side.app.http.get('/api/storefront/my-orders', bob.token)).body).toEqual([]);
    expect((await side.app.http.get('/api/storefront/my-orders')).status).toBe(401);
  });

  it('rebuilds from event history to exactly the live read model', async () => {
    const kernel = side.app.kernel;
    // Quiet first: nothing left in any outbox and no refresh pending.
    await eventually(() => kernel.bus.backlog(), (b) => Object.values(b).every((n) => n === 0), { within: 5000 });
    await eventually(() => storefrontRows(side.app, 'pending_refresh', 'item_id'), (rows) => rows.length === 0, { within: 5000 });
    const snapshot = async () => ({
      menu: (await storefrontRows(side.app, 'menu_items', 'id')).map(({ refreshed_at: _, ...row }) => row),
      ratings: await storefrontRows(side.app, 'item_ratings', 'item_id'),
      orders: await storefrontRows(side.app, 'order_history', 'order_id'),
    });
    const live = await snapshot();
    expect(live.menu.length).toBeGreaterThan(0);
    expect(live.ratings.length).toBeGreaterThan(0);
    expect(live.orders.length).toBeGreaterThan(0);

    const result = await rebuildProjection(kernel, storefrontModule);
    expect(result.failed).toBe(0);
    expect(result.handled).toBe(result.events);
    const rebuilt = await snapshot();
    for (const key of ['menu', 'ratings', 'orders'] as const) {
      expect(rebuilt[key]).toHaveLength(live[key].length);
      live[key].forEach((row, i) => expect(rebuilt[key][i], `${key} row ${i}`).toEqual(row));
    }
    // The rebuilt model keeps following live events.
    const customer = await side.app.signUp();
    const item = live.menu[0] as { id: string; name: string; price_cents: number };
    const orderId = await side.orders.complete(customer.id, [line({ id: item.id, name: item.name, priceCents: item.price_cents })]);
    await scenario(kernel.bus)
      .when(() => eventually(() => side.app.http.post('/api/reviews', { orderId, itemId: item.id, rating: 1, text: '' }, customer.token), (r) => r.status === 201, { within: 5000 }))
      .expectHandled('storefront.count-rating', ReviewPosted, { where: (p) => p.orderId === orderId, within: 3000 });
    const [ratings] = await storefrontRows(side.app, `item_ratings where item_id = '${item.id}'`, 'item_id');
    expect(ratings!['review_count']).toBe(((live.ratings.find((r) => r['item_id'] === item.id)?.['review_count'] as number | undefined) ?? 0) + 1);
  });
});

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
