import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { inMemoryTracing } from '../../src/shared/telemetry/in-memory.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { addItem, barista, customerWith, FAST_SAGA, openCafe, order, orderReaches, ticketOf, type Cafe } from '../saga/support.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { fromReadable, Trace, type TraceSpan } from './trace-tree.ts';

const spans = inMemoryTracing();
const collected = () => spans.getFinishedSpans().map(fromReadable);

const onServices = Boolean(process.env['DATABASE_URL'] && process.env['REDIS_URL']);
const variants = [
  { name: 'in-process bus on the embedded database', config: { DATABASE_URL: undefined, EVENT_TRANSPORT: 'inprocess' }, skip: false },
  { name: 'BullMQ on Postgres and Redis', config: { EVENT_TRANSPORT: 'bullmq' }, skip: !onServices },
] as const;
if (!onServices) console.warn('order-trace.test.ts: the BullMQ variant is skipped without DATABASE_URL and REDIS_URL');

describe.each(variants)('one trace per order ($name)', ({ config, skip }) => {
  let app: TestApp;
  let cafe: Cafe;
  let item: { id: string };
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    if (skip) return;
    const logger = createLogger('info', {}, { write: (line: string) => void lines.push(JSON.parse(line)) });
    app = await startTestApp({ config: { ...FAST_SAGA, ...config }, logger });
    cafe = await openCafe(app);
    item = await addItem(cafe, 'Cortado', 320);
  });
  afterAll(() => app?.stop());

  it.skipIf(skip)('links the request, the charge, the ticket, the mirror and the storefront, with no orphans', async () => {
    const customer = await customerWith(cafe, 1000);
    spans.reset();
    const placed = await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }]);
    expect(placed.status).toBe(202);
    const orderId = placed.body.id as string;
    const ticket = await ticketOf(cafe, orderId);
    expect((await barista(cafe, ticket.id, 'start')).status).toBe(200);
    await orderReaches(cafe, customer.token, orderId, 'PREPARING');

    const [request] = collected().filter((s) => s.name === 'POST /api/orders');
    expect(request).toMatchObject({ kind: SpanKind.SERVER, parentId: undefined, attributes: { 'http.route': '/api/orders', 'http.response.status_code': 202 } });
    // Handlers finish a moment after the state they wrote is readable.
    const trace = await eventually(
      async () => Trace.of(collected(), request!.traceId),
      (t) => t.named('handle ordering.mirror-ticket-started').length > 0 && t.named('handle storefront.order-status').length >= 3,
      { within: 10_000 },
    );

    expect(trace.orphans()).toEqual([]);
    expect(trace.roots().map((s) => s.name)).toEqual(['POST /api/orders']);
    const one = (name: string, where?: (s: TraceSpan) => boolean) => {
      const found = trace.named(name, where);
      expect(found, `${name} in the order's trace`).toHaveLength(1);
      return found[0]!;
    };

    // The saga's charge continues the placement's trace: payments' call and its transaction beneath it.
    const charge = one('payments/charge');
    expect(trace.path(charge)).toEqual(['POST /api/orders', 'ordering transaction', 'ordering saga charge', 'payments/charge']);
    expect(charge.attributes).toMatchObject({ 'rpc.service': 'payments', 'rpc.method': 'charge' });
    expect(trace.named('payments transaction', (s) => trace.parentOf(s) === charge)).toHaveLength(1);

    // The ticket opens in a handler attempt of order-paid, which the saga's settlement published.
    const opened = one('handle fulfillment.open-ticket');
    expect(opened).toMatchObject({ kind: SpanKind.CONSUMER, attributes: { 'cafe.delivery.attempt': 1, 'cafe.delivery.outcome': 'handled', 'cafe.event.type': 'ordering.order-paid' } });
    expect(trace.path(opened).slice(0, 4)).toEqual(['POST /api/orders', 'ordering transaction', 'ordering saga charge', 'ordering transaction']);
    const ticketWrite = trace.named('fulfillment outbox write', (s) => trace.path(s).includes('handle fulfillment.open-ticket'));
    expect(ticketWrite[0]?.attributes['cafe.event.type']).toEqual(['fulfillment.ticket-opened']);

    // The barista's step continues the order's trace, linked to the barista's own request.
    const step = one('fulfillment ticket start');
    const [baristaRequest] = collected().filter((s) => s.name === 'POST /api/fulfillment/tickets/:id/start');
    expect(baristaRequest!.traceId).not.toBe(request!.traceId);
    expect(step.links).toContainEqual({ traceId: baristaRequest!.traceId, spanId: expect.any(String) });
    const mirror = one('handle ordering.mirror-ticket-started');
    expect(trace.path(mirror)).toContain('fulfillment ticket start');
    expect(mirror.attributes['cafe.delivery.outcome']).toBe('handled');

    // The storefront's order view follows every status; PENDING straight from the request.
    const views = trace.named('handle storefront.order-status');
    expect(views.every((v) => v.attributes['cafe.delivery.outcome'] === 'handled')).toBe(true);
    expect(trace.path(views.find((v) => trace.parentOf(v)?.name === 'ordering transaction' && trace.path(v).length === 3)!)).toEqual([
      'POST /api/orders',
      'ordering transaction',
      'handle storefront.order-status',
    ]);
    // The relay's dispatches are in the trace too, beside the handlers they fed.
    expect(trace.named('dispatch ordering.order-paid')).toHaveLength(1);
  });

  it.skipIf(skip)('a log line of a handler of an event the request caused carries its trace id', async () => {
    const customer = await customerWith(cafe, 1000);
    spans.reset();
    lines.length = 0;
    const placed = await order(cafe, customer.token, [{ itemId: item.id, quantity: 1 }]);
    const orderId = placed.body.id as string;
    const ticket = await ticketOf(cafe, orderId);
    // A rejected ticket is compensated by ordering's handler, which says so in the log.
    expect((await barista(cafe, ticket.id, 'reject')).status).toBe(200);
    const line = await eventually(async () => lines.find((l) => l['msg'] === 'ticket rejected; refunding and cancelling the order' && l['orderId'] === orderId), (l) => l !== undefined, { within: 10_000 });

    const [request] = collected().filter((s) => s.name === 'POST /api/orders');
    expect(line!['traceId']).toBe(request!.traceId);
    // The line's span is the handler attempt or its transaction (spans are collected as they end).
    const logged = await eventually(async () => collected().find((s) => s.spanId === line!['spanId']), (s) => s !== undefined, { within: 5000 });
    const trace = Trace.of(collected(), request!.traceId);
    expect(trace.path(logged!).slice(-2).join(' > ')).toMatch(/handle ordering\.compensate-rejected-ticket( > ordering transaction)?$/);
    expect(line!['correlationId']).toEqual(expect.any(String));
    // The request's own access line carries its request id and the same trace.
    const access = lines.find((l) => l['msg'] === 'request' && l['path'] === '/api/orders' && l['traceId'] === request!.traceId);
    expect(access).toMatchObject({ requestId: placed.headers.get('x-request-id'), spanId: request!.spanId });
  });
});
