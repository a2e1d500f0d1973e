/**
 * Baseline for POST /api/orders: the statements ordering's placeOrder runs, replayed with
 * postgres.js at the same concurrency and pool size, without HTTP, tokens, validation or the
 * module machinery. Per order: idempotency lookup, catalog pricing read, then one transaction
 * inserting the order and its saga row (pipelined), the two outbox events (order-placed,
 * order-status-changed) in one multi-row insert, and one pg_notify. Plan (JSON in argv[2]): { url, seconds, connections, pool, customers, items }.
 */
import { createHash, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import { percentile } from '../lib/stats.ts';

interface Plan {
  url: string;
  seconds: number;
  connections: number;
  pool: number;
  customers: string[];
  items: { itemId: string; quantity: number }[];
}

const plan = JSON.parse(process.argv[2]!) as Plan;
const sql = postgres(plan.url, { max: plan.pool, onnotice: () => {} });
const ids = plan.items.map((i) => i.itemId);

async function placeOrder(customerId: string): Promise<void> {
  const key = randomUUID();
  const requestHash = createHash('sha256').update(JSON.stringify({ items: plan.items })).digest('hex');
  await sql`select id from ordering.orders where customer_id = ${customerId} and idempotency_key = ${key}`;
  const priced = await sql`select id, name, price_cents, available, version from catalog.items where id in ${sql(ids)}`;
  const byId = new Map(priced.map((r) => [r['id'] as string, r]));
  const lines = plan.items.map((l) => ({ itemId: l.itemId, name: byId.get(l.itemId)!['name'] as string, quantity: l.quantity, unitPriceCents: byId.get(l.itemId)!['price_cents'] as number }));
  const totalCents = lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0);
  const id = uuidv7();
  const at = new Date().toISOString();
  const envelope = (type: string, payload: unknown) => ({ id: uuidv7(), type, payload });
  const placed = envelope('ordering.order-placed', { orderId: id, customerId, totalCents, items: lines, placedAt: at });
  const changed = envelope('ordering.order-status-changed', { orderId: id, customerId, status: 'PENDING', reason: null, at });
  await sql.begin(async (tx) => {
    // The order and its saga row are sent together (pipelined), as placeOrder does.
    await Promise.all([
      tx`insert into ordering.orders (id, customer_id, status, reason, total_cents, items, history, idempotency_key, request_hash, created_at)
         values (${id}, ${customerId}, 'PENDING', null, ${totalCents}, ${tx.json(lines)}, ${tx.json([{ status: 'PENDING', at }])}, ${key}, ${requestHash}, ${at})`,
      tx`insert into ordering.sagas (order_id, customer_id, step, due_at) values (${id}, ${customerId}, 'charge', now())`,
    ]);
    // The bus writes a unit of work's events as one multi-row insert just before commit, then one notify.
    await tx`insert into ordering.outbox (id, type, version, occurred_at, source, correlation_id, causation_id, traceparent, payload)
             values (${placed.id}, ${placed.type}, 1, ${at}, 'ordering', ${randomUUID()}, null, null, ${tx.json(placed.payload as never)}),
                    (${changed.id}, ${changed.type}, 1, ${at}, 'ordering', ${randomUUID()}, null, null, ${tx.json(changed.payload as never)})`;
    await tx`select pg_notify('cafe_outbox', 'ordering')`;
  });
}

const latencies: number[] = [];
let ok = 0;
let errors = 0;
let n = 0;
const started = performance.now();
const until = started + plan.seconds * 1000;
await Promise.all(
  Array.from({ length: plan.connections }, async () => {
    while (performance.now() < until) {
      const t = performance.now();
      try {
        await placeOrder(plan.customers[n++ % plan.customers.length]!);
        ok++;
        latencies.push(performance.now() - t);
      } catch (err) {
        if (errors++ === 0) console.error(err);
      }
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await sql.end();
process.stdout.write(
  JSON.stringify({ ok, non2xx: 0, errors, timeouts: 0, seconds, okPerSecond: ok / seconds, latencyP50: percentile(latencies, 50), latencyP99: percentile(latencies, 99) }) + '\n',
);
