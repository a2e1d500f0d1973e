import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Tx } from '../../../shared/db/database.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { FAST_SAGA } from '../../../../test/saga/support.ts';
import { OrderStore } from '../db/order-store.ts';
import { SagaStore } from '../db/saga-store.ts';
import { placeOrder } from '../domain/order.ts';

/**
 * The saga's re-checks are only safe because the rows they read stay locked until their
 * transaction ends (a cancellation and a charge settling the same order wait for each other).
 * The embedded database has a single connection, so only real Postgres can show a second
 * transaction being kept out.
 */
describe.skipIf(!process.env['DATABASE_URL'])('the saga’s row locks (Postgres)', () => {
  let app: TestApp;
  let db: Db;
  beforeAll(async () => {
    // No scheduler runs matter here: the saga rows are written by the test itself.
    app = await startTestApp({ config: { ...FAST_SAGA, SAGA_POLL_MS: 60_000 } });
    db = app.kernel.db.admin;
  });
  afterAll(() => app?.stop());

  async function anOrder(): Promise<string> {
    const order = placeOrder({ id: uuidv7(), customerId: uuidv7(), items: [{ itemId: uuidv7(), name: 'Latte', quantity: 1, unitPriceCents: 350 }], at: new Date().toISOString() });
    await db.transaction(async (tx) => {
      await new OrderStore(tx).insert(order);
      // Not due for an hour, so the scheduler leaves it alone.
      await new SagaStore(tx).begin(order.id, order.customerId, 'charge', { traceparent: null, correlationId: null });
      await tx.execute(sql`update ordering.sagas set due_at = now() + interval '1 hour' where order_id = ${order.id}`);
    });
    return order.id;
  }

  /** Runs `second` in another transaction while `first` holds its locks; `second` gives up after a short wait. */
  async function whileHeld(first: (tx: Tx) => Promise<unknown>, second: (tx: Tx) => Promise<unknown>): Promise<'kept out' | 'got through'> {
    return db.transaction(async (holder) => {
      await first(holder);
      try {
        await db.transaction(async (other) => {
          await other.execute(sql`set local lock_timeout = '300ms'`);
          await second(other);
        });
        return 'got through';
      } catch (err) {
        if (String((err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code) === '55P03') return 'kept out';
        throw err;
      }
    });
  }

  it('a locked saga row keeps another locker out until the transaction ends', async () => {
    const id = await anOrder();
    expect(await whileHeld((tx) => new SagaStore(tx).lock(id), (tx) => new SagaStore(tx).lock(id))).toBe('kept out');
    expect(await whileHeld((tx) => new SagaStore(tx).lockAll([id]), (tx) => new SagaStore(tx).lock(id))).toBe('kept out');
    // Once the holder is gone, the row is free again.
    await db.transaction(async (tx) => expect(await new SagaStore(tx).lock(id)).toMatchObject({ orderId: id, step: 'charge' }));
  });

  it('a locked order row keeps another locker out; a plain read is not one', async () => {
    const id = await anOrder();
    const orders = (tx: Tx) => new OrderStore(tx);
    expect(await whileHeld((tx) => orders(tx).byId(id, true), (tx) => orders(tx).byId(id, true))).toBe('kept out');
    expect(await whileHeld((tx) => orders(tx).byIds([id], true), (tx) => orders(tx).byId(id, true))).toBe('kept out');
    expect(await whileHeld((tx) => orders(tx).byId(id), (tx) => orders(tx).byId(id, true))).toBe('got through');
    expect(await whileHeld((tx) => orders(tx).byIds([id]), (tx) => orders(tx).byId(id, true))).toBe('got through');
  });

  it('a saga held by one transaction is skipped by the scheduler’s claim, not waited for', async () => {
    const id = await anOrder();
    await db.execute(sql`update ordering.sagas set due_at = now() where order_id = ${id}`);
    const claimed = await db.transaction(async (holder) => {
      await new SagaStore(holder).lock(id);
      return new SagaStore(db).claimDue(uuidv7(), 100, 30);
    });
    expect(claimed.map((c) => c.orderId)).not.toContain(id);
    await db.execute(sql`update ordering.sagas set due_at = now() + interval '1 hour', claim_token = null, claimed_until = null where order_id = ${id}`);
  });
});
