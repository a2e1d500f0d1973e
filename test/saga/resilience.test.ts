import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/shared/bus/contract.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import type { TestApp } from '../support/test-app.ts';
import { addItem, barista, charges, customerWith, openCafe, order, orderReaches, refunds, startCafe, ticketOf, wallet, type Cafe } from './support.ts';

describe('the saga under duplicates and load', () => {
  let app: TestApp;
  let cafe: Cafe;
  let mocha: { id: string; name: string; priceCents: number };
  beforeAll(async () => {
    app = await startCafe();
    cafe = await openCafe(app);
    mocha = await addItem(cafe, 'Mocha', 420);
  });
  afterAll(() => app?.stop());

  it('every event delivered twice: the same end state, charged and refunded once', async () => {
    // Re-dispatch every envelope the relay hands over, as an at-least-once broker may.
    const redelivered = new Set<string>();
    const pending: Promise<void>[] = [];
    let duplicates = 0;
    const off = app.kernel.bus.observe((o) => {
      if (o.kind === 'handled' && o.outcome === 'duplicate') duplicates++;
      if (o.kind !== 'published' || redelivered.has(o.envelope.id)) return;
      redelivered.add(o.envelope.id);
      const copy = structuredClone(o.envelope) as Envelope;
      pending.push(app.kernel.bus.transport.dispatch(copy));
    });
    try {
      const customer = await customerWith(cafe, 2000);
      const served = (await order(cafe, customer.token, [{ itemId: mocha.id, quantity: 1 }])).body.id as string;
      const refused = (await order(cafe, customer.token, [{ itemId: mocha.id, quantity: 2 }])).body.id as string;
      const servedTicket = await ticketOf(cafe, served);
      for (const step of ['start', 'ready', 'handover'] as const) expect((await barista(cafe, servedTicket.id, step)).status).toBe(200);
      const refusedTicket = await ticketOf(cafe, refused);
      expect((await barista(cafe, refusedTicket.id, 'reject')).status).toBe(200);

      const done = await orderReaches(cafe, customer.token, served, 'COMPLETED');
      const cancelled = await orderReaches(cafe, customer.token, refused, 'CANCELLED');
      await Promise.allSettled(pending);
      expect(done.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PAID', 'PREPARING', 'READY', 'COMPLETED']);
      expect(cancelled).toMatchObject({ reason: 'out_of_stock' });
      expect(cancelled.history.map((h: { status: string }) => h.status)).toEqual(['PENDING', 'PAID', 'CANCELLED']);
      // One ticket per order despite two order-paid deliveries.
      const tickets = (await app.http.get('/api/fulfillment/tickets', cafe.barista)).body as { orderId: string }[];
      expect(tickets.filter((t) => t.orderId === served)).toHaveLength(1);
      expect(tickets.filter((t) => t.orderId === refused)).toHaveLength(1);
      const w = await wallet(cafe, customer.token);
      expect(charges(w.history, served)).toBe(1);
      expect(charges(w.history, refused)).toBe(1);
      expect(refunds(w.history, refused)).toBe(1);
      expect(w.balanceCents).toBe(2000 - 420);
      expect(redelivered.size).toBeGreaterThan(10);
      // In-process, the inboxes saw the second copies and let them pass without effect. BullMQ
      // collapses a second copy at the queue already (same job id), so no inbox ever sees it.
      if (app.kernel.bus.transport.name === 'inprocess') expect(duplicates).toBeGreaterThan(3);
    } finally {
      off();
    }
  });

  it('50 concurrent orders from a wallet that pays for 20: exactly 20 PAID, the balance never below zero', async () => {
    const customer = await customerWith(cafe, 20 * 420);
    const placed = await Promise.all(Array.from({ length: 50 }, () => order(cafe, customer.token, [{ itemId: mocha.id, quantity: 1 }])));
    expect(placed.every((p) => p.status === 202)).toBe(true);
    const ids = placed.map((p) => p.body.id as string);
    const settled = await eventually(
      async () => (await app.http.get('/api/orders', customer.token)).body as { id: string; status: string; reason?: string }[],
      (orders) => orders.length === 50 && orders.every((o) => o.status !== 'PENDING'),
      { within: 60_000, interval: 100 },
    );
    expect(new Set(settled.map((o) => o.id))).toEqual(new Set(ids));
    expect(settled.filter((o) => o.status === 'PAID')).toHaveLength(20);
    const rejected = settled.filter((o) => o.status === 'REJECTED');
    expect(rejected).toHaveLength(30);
    expect(rejected.every((o) => o.reason === 'payment_declined')).toBe(true);

    const w = await wallet(cafe, customer.token);
    expect(w.balanceCents).toBe(0);
    let running = 0;
    for (const entry of w.history) {
      running += entry.type === 'charged' ? -entry.amountCents : entry.amountCents;
      expect(running).toBeGreaterThanOrEqual(0);
    }
    const paidIds = new Set(settled.filter((o) => o.status === 'PAID').map((o) => o.id));
    const charged = w.history.filter((h) => h.type === 'charged');
    expect(charged).toHaveLength(20);
    expect(new Set(charged.map((h) => h.orderId))).toEqual(paidIds);
  });
});
