import { eventually } from '../../src/shared/testing/scenario.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Retries in tens of milliseconds; small pools, since several test files share one Postgres. */
export const FAST_SAGA = { SAGA_POLL_MS: 50, SAGA_RETRY_MS: 20, SAGA_RETRY_MAX_MS: 200, DATABASE_POOL_SIZE: 4 };

/** The whole café with a fast saga scheduler: retries in tens of milliseconds, not seconds. */
export function startCafe(): Promise<TestApp> {
  return startTestApp({ config: FAST_SAGA });
}

export interface Cafe {
  app: TestApp;
  admin: string;
  barista: string;
}

export async function openCafe(app: TestApp): Promise<Cafe> {
  const admin = await app.adminToken();
  const barista = (await app.signUp('barista')).token;
  return { app, admin, barista };
}

export async function addItem(cafe: Cafe, name: string, priceCents: number): Promise<{ id: string; name: string; priceCents: number }> {
  const res = await cafe.app.http.post('/api/catalog/items', { name, priceCents }, cafe.admin);
  if (res.status !== 201) throw new Error(`could not add ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A customer with `cents` in the wallet. */
export async function customerWith(cafe: Cafe, cents: number): Promise<{ id: string; token: string }> {
  const customer = await cafe.app.signUp('customer');
  if (cents > 0) {
    const res = await cafe.app.http.post('/api/payments/wallet/deposits', { amountCents: cents }, customer.token);
    if (res.status !== 201) throw new Error(`deposit failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return customer;
}

export async function wallet(cafe: Cafe, token: string): Promise<{ balanceCents: number; history: { type: string; amountCents: number; orderId?: string }[] }> {
  return (await cafe.app.http.get('/api/payments/wallet', token)).body;
}

export function order(cafe: Cafe, token: string, items: { itemId: string; quantity: number }[], headers: Record<string, string> = {}) {
  return cafe.app.http.post('/api/orders', { items }, token, headers);
}

/** Waits until the order reaches `status` (or any of them) and returns it. */
export function orderReaches(cafe: Cafe, token: string, orderId: string, status: string | string[], within = 5000) {
  const wanted = Array.isArray(status) ? status : [status];
  return eventually(
    async () => (await cafe.app.http.get(`/api/orders/${orderId}`, token)).body,
    (o) => wanted.includes(o?.status),
    { within },
  );
}

/** The order's ticket, once fulfillment opened it. */
export async function ticketOf(cafe: Cafe, orderId: string, within = 5000): Promise<{ id: string; status: string; items: unknown[] }> {
  return eventually(
    async () => ((await cafe.app.http.get('/api/fulfillment/tickets', cafe.barista)).body as { id: string; orderId: string; status: string; items: unknown[] }[]).find((t) => t.orderId === orderId),
    (t) => t !== undefined,
    { within },
  ) as Promise<{ id: string; status: string; items: unknown[] }>;
}

export function barista(cafe: Cafe, ticketId: string, step: 'start' | 'ready' | 'handover' | 'reject', body?: unknown) {
  return cafe.app.http.post(`/api/fulfillment/tickets/${ticketId}/${step}`, body ?? (step === 'reject' ? { reason: 'out of oat milk' } : undefined), cafe.barista);
}

export const charges = (history: { type: string; orderId?: string }[], orderId: string) => history.filter((h) => h.type === 'charged' && h.orderId === orderId).length;
export const refunds = (history: { type: string; orderId?: string }[], orderId: string) => history.filter((h) => h.type === 'refunded' && h.orderId === orderId).length;
