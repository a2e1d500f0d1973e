/**
 * The saga load, in its own process: customers place orders while an automatic barista lists
 * queued tickets and drives each through start → ready → handover over HTTP. Prints one JSON line:
 * orders per second from the first placement to the last COMPLETED, and placement → PAID latency
 * taken from each order's own history timestamps.
 * Plan (JSON in argv[2]): { url, orders, concurrency, customers: token[], barista: token, items, perSecond? }.
 * With `perSecond` the load is paced (open loop): a placement starts every 1/perSecond s whether
 * or not earlier ones have answered, so the latencies say what a customer waits at that rate
 * rather than how long the queue of a saturated server is.
 */
import { percentile } from '../lib/stats.ts';

interface Plan {
  url: string;
  orders: number;
  concurrency: number;
  customers: string[];
  barista: string;
  items: { itemId: string; quantity: number }[];
  timeoutMs: number;
  perSecond?: number;
}

const plan = JSON.parse(process.argv[2]!) as Plan;

async function call(method: string, path: string, token: string, body?: unknown): Promise<any> {
  const res = await fetch(plan.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

let serverErrors = 0;
let firstError: string | undefined;
/** A 5xx on the barista's side is counted and retried: it is reported, not hidden. */
async function tolerant<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!/: 5\d\d /.test(message)) throw err;
    serverErrors++;
    firstError ??= message.slice(0, 300);
    await new Promise((r) => setTimeout(r, 50));
    return undefined;
  }
}

const owner = new Map<string, string>();
let placed = 0;
let stopped = false;
const started = performance.now();

const posts: number[] = [];
async function place(token: string): Promise<void> {
  const t0 = performance.now();
  const order = await call('POST', '/api/orders', token, { items: plan.items });
  posts.push(performance.now() - t0);
  owner.set(order.id, token);
  placed++;
}

/** Open loop: placements start on a clock, not when the previous one answered. */
const paced = async (perSecond: number) => {
  const pending: Promise<void>[] = [];
  for (let n = 0; n < plan.orders; n++) {
    const due = started + (n * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(place(plan.customers[n % plan.customers.length]!));
  }
  await Promise.all(pending);
};

const customers = async () => {
  let next = 0;
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (next < plan.orders) {
        await place(plan.customers[next++ % plan.customers.length]!);
      }
    }),
  );
};

/** The automatic barista: four hands (parallel tickets), each ticket through its three steps. */
const barista = async () => {
  const busy = new Set<string>();
  while (!stopped) {
    const queued = ((await tolerant(() => call('GET', '/api/fulfillment/tickets?status=QUEUED', plan.barista))) ?? []) as { id: string }[];
    const fresh = queued.filter((t) => !busy.has(t.id)).slice(0, 4 * 8);
    if (fresh.length === 0) {
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    for (const t of fresh) busy.add(t.id);
    await Promise.all(
      fresh.map(async (t) => {
        for (const step of ['start', 'ready', 'handover']) {
          while ((await tolerant(() => call('POST', `/api/fulfillment/tickets/${t.id}/${step}`, plan.barista))) === undefined) {
            /* retried after a 5xx */
          }
        }
      }),
    );
  }
};

/**
 * Waits until every placed order is COMPLETED, looking at one customer's order list at a time:
 * a customer whose orders are all done is not asked again. Asking every customer every 100 ms
 * (as this did before) was 160 list requests a second of the very server being measured.
 */
const completion = async (): Promise<number> => {
  const pending = new Set(plan.customers);
  for (;;) {
    if (performance.now() - started > plan.timeoutMs) throw new Error(`orders not completed within ${plan.timeoutMs} ms`);
    if (placed === plan.orders) {
      const token = pending.values().next().value as string;
      const list = (await call('GET', '/api/orders', token)) as { id: string; status: string }[];
      const mine = [...owner].filter(([, t]) => t === token).map(([id]) => id);
      const done = new Set(list.filter((o) => o.status === 'COMPLETED').map((o) => o.id));
      if (mine.every((id) => done.has(id))) {
        pending.delete(token);
        if (pending.size === 0) return performance.now();
        continue;
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
};

const work = barista();
await (plan.perSecond ? paced(plan.perSecond) : customers());
const finished = await completion();
stopped = true;
await work;

const toPaid: number[] = [];
for (const [id, token] of owner) {
  const order = (await call('GET', `/api/orders/${id}`, token)) as { history: { status: string; at: string }[] };
  const placedAt = order.history.find((h) => h.status === 'PENDING')?.at;
  const paidAt = order.history.find((h) => h.status === 'PAID')?.at;
  if (placedAt && paidAt) toPaid.push(Date.parse(paidAt) - Date.parse(placedAt));
}
const seconds = (finished - started) / 1000;
process.stdout.write(
  JSON.stringify({ orders: plan.orders, seconds, completedPerSecond: plan.orders / seconds, paidP50: percentile(toPaid, 50), paidP99: percentile(toPaid, 99), placeP50: percentile(posts, 50), serverErrors, firstError }) + '\n',
);
