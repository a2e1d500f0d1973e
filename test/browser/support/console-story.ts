import type { Envelope } from '../../../src/shared/bus/contract.ts';
import { eventually } from '../../../src/shared/testing/scenario.ts';
import type { TestApp } from '../../support/test-app.ts';

/**
 * One order placed through the HTTP API under a correlation id of the test's choosing, followed
 * until its ticket is open; returns the events the bus published for it, in the order they occurred.
 */
export async function placeOrder(app: TestApp, correlationId: string): Promise<{ orderId: string; events: Envelope[] }> {
  const published: Envelope[] = [];
  const stop = app.kernel.bus.observe((o) => {
    if (o.kind === 'published' && o.envelope.correlationId === correlationId) published.push(o.envelope);
  });
  try {
    const admin = await app.adminToken();
    const item = await app.http.post('/api/catalog/items', { name: 'Console flat white', priceCents: 420 }, admin);
    if (item.status !== 201) throw new Error(`item: ${item.status}`);
    const customer = await app.signUp('customer');
    const deposit = await app.http.post('/api/payments/wallet/deposits', { amountCents: 1000 }, customer.token);
    if (deposit.status !== 201) throw new Error(`deposit: ${deposit.status}`);
    const placed = await app.http.post('/api/orders', { items: [{ itemId: item.body.id, quantity: 1 }] }, customer.token, { 'x-correlation-id': correlationId });
    if (placed.status !== 202) throw new Error(`order: ${placed.status} ${JSON.stringify(placed.body)}`);
    await eventually(async () => published.map((e) => e.type), (types) => types.includes('fulfillment.ticket-opened'), { within: 20_000 });
    // Whatever the ticket's opening still sets off (the customer's order view) settles first.
    await new Promise((r) => setTimeout(r, 500));
    const events = [...published].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
    return { orderId: placed.body.id as string, events };
  } finally {
    stop();
  }
}
