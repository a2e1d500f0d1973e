import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingOn } from '../../src/shared/telemetry/tracer.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Server-sent events read from a streamed answer: wait for what a test expects, then cancel. */
function sse(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  return {
    events,
    async until(enough: (events: { event: string; data: unknown }[]) => boolean, withinMs = 10_000) {
      const deadline = Date.now() + withinMs;
      while (!enough(events)) {
        if (Date.now() > deadline) throw new Error(`stream gave only ${JSON.stringify(events.map((e) => e.event))}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          events.push({ event: /^event: ?(.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(/^data: ?(.*)$/m.exec(block)?.[1] ?? 'null') });
        }
      }
      return events;
    },
    close: () => reader.cancel(),
  };
}

describe('the console API', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
  }, 60_000);
  afterAll(() => t?.stop());

  it('refuses anyone but an operator, naming the reason', async () => {
    const anonymous = await t.http.get('/api/console/graph');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const customer = await t.signUp('customer');
    const refused = await t.http.get('/api/console/graph', customer.token);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('admin');
    expect((await t.http.get('/api/console/events', customer.token)).status).toBe(403);
    expect((await t.http.get('/api/console/traces/some-id')).status).toBe(401);
  });

  it('draws the graph from the module definitions', async () => {
    const res = await t.http.get('/api/console/graph', admin);
    expect(res.status).toBe(200);
    const ordering = res.body.modules.find((m: { name: string }) => m.name === 'ordering');
    expect(ordering).toMatchObject({ runs: 'here', breaker: null });
    expect(ordering.requires).toEqual(expect.arrayContaining(['catalog', 'payments']));
    expect(res.body.apiDependencies).toContainEqual({ from: 'ordering', to: 'payments' });
    expect(res.body.eventFlows).toContainEqual(expect.objectContaining({ from: 'ordering', to: 'fulfillment', event: 'ordering.order-paid' }));
  });

  it("shows a module's contract, outbox and subscriptions; refuses bad and unknown names", async () => {
    const res = await t.http.get('/api/console/modules/ordering', admin);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.contract.events)).toContain('ordering.order-placed');
    expect(res.body.outbox).toEqual({ undispatched: expect.any(Number), oldestAgeSeconds: expect.any(Number) });
    expect(res.body.subscriptions.length).toBeGreaterThan(0);
    expect(res.body.gauges.map((g: { name: string }) => g.name)).toContain('ordering_saga_steps');
    const unknown = await t.http.get('/api/console/modules/nothing', admin);
    expect(unknown.status).toBe(404);
    const bad = await t.http.get('/api/console/modules/Not_A_Module', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'name', location: 'param' });
  });

  it('reports saga steps from the modules\' gauges', async () => {
    const res = await t.http.get('/api/console/saga-steps', admin);
    expect(res.status).toBe(200);
    expect(res.body.map((s: { state: string }) => s.state).sort()).toEqual(['owed', 'retrying']);
  });

  it('streams the bus while connected, collects spans only then, and refuses a bad correlation id', async () => {
    expect(tracingOn()).toBe(false);
    const bad = await t.http.get('/api/console/events?correlationId=not%20valid', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'correlationId' });

    const correlationId = `console-test-${Date.now()}`;
    const res = await t.kernel.app.request(`/api/console/events?correlationId=${correlationId}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const stream = sse(res);
    await stream.until((events) => events.length > 0);
    expect(stream.events[0]).toMatchObject({ event: 'ready', data: { collectingSpans: true } });
    expect(tracingOn()).toBe(true);
    // A catalog change publishes an event under the request's correlation id.
    const created = await t.http.post('/api/catalog/items', { name: 'Console espresso', priceCents: 250 }, admin, { 'x-correlation-id': correlationId });
    expect(created.status).toBe(201);
    const events = await stream.until((all) => all.some((e) => e.event === 'observation' && (e.data as { kind: string }).kind === 'handled'));
    await stream.close();
    const observed = events.filter((e) => e.event === 'observation').map((e) => e.data as { correlationId: string; type: string; source: string });
    expect(observed.every((o) => o.correlationId === correlationId)).toBe(true);
    expect(observed[0]).toMatchObject({ type: 'catalog.item-changed', source: 'catalog' });

    const trace = await t.http.get(`/api/console/traces/${correlationId}`, admin);
    expect(trace.status).toBe(200);
    expect(trace.body.spans.map((s: { name: string }) => s.name)).toContain('POST /api/catalog/items');

    // The console went away: tracing is off again, and the bus tells nobody.
    for (let i = 0; i < 50 && tracingOn(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(tracingOn()).toBe(false);
  });
});

describe('the console switched off', () => {
  it('answers 404 for its page and its API', async () => {
    const t = await startTestApp({ config: { CONSOLE_ENABLED: false } });
    try {
      const admin = await t.adminToken();
      const res = await t.http.get('/api/console/graph', admin);
      expect(res.status).toBe(404);
      expect(res.body.type).toContain('route-not-found');
      expect((await t.kernel.app.request('/console')).status).toBe(404);
    } finally {
      await t.stop();
    }
  }, 60_000);
});
