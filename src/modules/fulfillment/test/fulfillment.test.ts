import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/bus/contract.ts';
import { eventually, scenario } from '../../../shared/testing/scenario.ts';
import { startTestApp, type TestApp } from '../../../../test/support/test-app.ts';
import { OrderPaid } from '../../ordering/index.ts';
import { fulfillmentApi, TicketOpened, TicketStarted } from '../index.ts';

/** An `order-paid` as ordering would publish it, handed straight to the transport. */
function orderPaid(orderId: string): Envelope {
  return {
    id: uuidv7(),
    type: OrderPaid.type,
    version: OrderPaid.version,
    occurredAt: new Date().toISOString(),
    source: 'ordering',
    correlationId: uuidv7(),
    causationId: null,
    traceparent: null,
    payload: {
      orderId,
      customerId: uuidv7(),
      totalCents: 300,
      items: [{ itemId: uuidv7(), name: 'Americano', quantity: 1, unitPriceCents: 300 }],
    },
  };
}

describe('fulfillment', () => {
  let app: TestApp;
  let barista: string;
  beforeAll(async () => {
    app = await startTestApp();
    barista = (await app.signUp('barista')).token;
  });
  afterAll(() => app?.stop());

  const tickets = async () => (await app.http.get('/api/fulfillment/tickets', barista)).body as { id: string; orderId: string; status: string }[];

  it('opens one QUEUED ticket per paid order, however often order-paid arrives', async () => {
    const orderId = uuidv7();
    const envelope = orderPaid(orderId);
    const { event } = await scenario(app.kernel.bus)
      .when(() => app.kernel.bus.transport.dispatch(envelope))
      .expectEvent(TicketOpened, { where: (p) => p.orderId === orderId });
    await app.kernel.bus.transport.dispatch(envelope);
    await app.kernel.bus.transport.dispatch({ ...orderPaid(orderId), id: uuidv7() });
    const mine = (await tickets()).filter((t) => t.orderId === orderId);
    expect(mine).toEqual([expect.objectContaining({ id: event.payload.ticketId, status: 'QUEUED' })]);
  });

  it('withdrawal before order-paid leaves a tombstone: the late event opens nothing', async () => {
    const api = app.kernel.api(fulfillmentApi);
    const orderId = uuidv7();
    expect(await api.withdrawTicket({ orderId })).toEqual({ outcome: 'withdrawn' });
    await scenario(app.kernel.bus)
      .when(() => app.kernel.bus.transport.dispatch(orderPaid(orderId)))
      .expectHandled('fulfillment.open-ticket', OrderPaid, { where: (p) => p.orderId === orderId });
    expect((await tickets()).filter((t) => t.orderId === orderId)).toEqual([]);
    expect(await api.withdrawTicket({ orderId })).toEqual({ outcome: 'withdrawn' });
  });

  it('withdraws a queued ticket, but not a started one', async () => {
    const api = app.kernel.api(fulfillmentApi);
    const queued = uuidv7();
    const started = uuidv7();
    await app.kernel.bus.transport.dispatch(orderPaid(queued));
    await app.kernel.bus.transport.dispatch(orderPaid(started));
    // A queue-backed transport has only accepted the events when dispatch resolves.
    const open = await eventually(tickets, (all) => [queued, started].every((id) => all.some((t) => t.orderId === id)), { within: 5000 });
    const ticket = open.find((t) => t.orderId === started)!;
    await scenario(app.kernel.bus)
      .when(() => app.http.post(`/api/fulfillment/tickets/${ticket.id}/start`, undefined, barista))
      .expectEvent(TicketStarted, { where: (p) => p.ticketId === ticket.id });
    const [a, b] = await Promise.all([api.withdrawTicket({ orderId: queued }), api.withdrawTicket({ orderId: started })]);
    expect(a).toEqual({ outcome: 'withdrawn' });
    expect(b).toEqual({ outcome: 'already_started' });
    const withdrawn = (await tickets()).find((t) => t.orderId === queued)!;
    expect(withdrawn.status).toBe('WITHDRAWN');
    expect((await app.http.post(`/api/fulfillment/tickets/${withdrawn.id}/start`, undefined, barista)).status).toBe(409);
  });
});
