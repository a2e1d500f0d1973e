import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { ResponseContract } from '../support/contract.ts';
import { startServices, type Services } from './support.ts';

const ready = Boolean(process.env['DATABASE_URL'] && process.env['REDIS_URL']);
if (!ready) console.warn('drift-and-dead-letters.test.ts skipped: set DATABASE_URL and REDIS_URL to run the café as three processes');

const rand = () => Math.random().toString(36).slice(2, 10);
// startProcess gives every child BUS_MAX_ATTEMPTS=4: failing four deliveries dead-letters the event.
const TICKET_FAILURES = '4';

/**
 * The gateway and payments from these sources, fulfillment from another version
 * (test/services/fixtures/drifted-fulfillment.ts): its ticket printer jams and its
 * withdrawTicket no longer agrees with the gateway's contract.
 */
describe.skipIf(!ready)('a gateway in front of a fulfillment of another version', () => {
  let s: Services;
  let contract: ResponseContract;
  let admin: string;
  let item: { id: string };

  /** A fetch to the gateway whose answer must be what the gateway's own document declares. */
  const call = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
    const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
    const res = await fetch(`${s.gateway.url}${path}`, {
      method,
      headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    contract.assert(method, path, { status: res.status, headers: res.headers, text });
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const login = async (email: string, password: string) => (await call('/api/identity/login', { body: { email, password } })).body.accessToken as string;
  const paidOrder = async () => {
    const email = `c-${rand()}@cafe.test`;
    expect((await call('/api/identity/register', { body: { email, password: 'correct-horse', displayName: 'C' } })).status).toBe(201);
    const token = await login(email, 'correct-horse');
    expect((await call('/api/payments/wallet/deposits', { body: { amountCents: 1000 }, token })).status).toBe(201);
    const placed = await call('/api/orders', { body: { items: [{ itemId: item.id, quantity: 1 }] }, token });
    expect(placed.status).toBe(202);
    const id = placed.body.id as string;
    await eventually(async () => (await call(`/api/orders/${id}`, { token })).body, (o) => o?.status === 'PAID', { within: 20_000, interval: 100 });
    return { token, id };
  };

  beforeAll(async () => {
    s = await startServices({
      // Generous for a loaded machine's cold first calls: these tests watch contracts, not breakers.
      extra: { REMOTE_TIMEOUT_MS: '5000' },
      variants: { fulfillment: { entry: 'test/services/fixtures/drifted-fulfillment.ts', env: { FULFILLMENT_DRIFT: 'answer', TICKET_FAILURES } } },
    });
    contract = new ResponseContract(await (await fetch(`${s.gateway.url}/openapi.json`)).json(), ['/internal']);
    admin = await login('admin@cafe.test', 'admin-password');
    item = (await call('/api/catalog/items', { body: { name: 'Cortado', priceCents: 300 }, token: admin })).body;
  }, 240_000);
  afterAll(() => s?.stop(), 60_000);

  it("lists a remote module's dead letters at the gateway and replays them there", async () => {
    const { id } = await paidOrder();
    const listed = await eventually(
      async () => (await call('/api/admin/dead-letters', { token: admin })).body as { eventId: string; subscription: string; module: string; lastError: string; envelope: { payload: { orderId: string } } }[],
      (letters) => letters.some((l) => l.envelope.payload.orderId === id),
      { within: 20_000, interval: 200 },
    );
    const letter = listed.find((l) => l.envelope.payload.orderId === id)!;
    expect(letter).toMatchObject({ module: 'fulfillment', subscription: 'fulfillment.open-ticket' });
    expect(letter.lastError).toMatch(/ticket printer is jammed/);

    const customer = (await paidOrder()).token;
    expect((await call('/api/admin/dead-letters', { token: customer })).status).toBe(403);
    expect((await call(`/api/admin/dead-letters/${letter.eventId}/no.such-subscription/replay`, { method: 'POST', token: admin })).status).toBe(404);
    expect((await call(`/api/admin/dead-letters/${crypto.randomUUID()}/fulfillment.open-ticket/replay`, { method: 'POST', token: admin })).status).toBe(404);
    // The fulfillment process's own route wants a service token on an operator's behalf.
    expect((await fetch(`${s.fulfillment.url}/internal/fulfillment/dead-letters`)).status).toBe(401);

    const replayed = await call(`/api/admin/dead-letters/${letter.eventId}/fulfillment.open-ticket/replay`, { method: 'POST', token: admin });
    expect(replayed).toMatchObject({ status: 202, body: { replayed: true } });
    // The fifth delivery gets through the printer: the ticket opens and the letter is gone.
    const tickets = await eventually(
      async () => (await call('/api/fulfillment/tickets', { token: admin })).body as { orderId: string }[],
      (list) => list.some((t) => t.orderId === id),
      { within: 20_000, interval: 200 },
    );
    expect(tickets.filter((t) => t.orderId === id)).toHaveLength(1);
    await eventually(
      async () => (await call('/api/admin/dead-letters', { token: admin })).body as { eventId: string }[],
      (letters) => !letters.some((l) => l.eventId === letter.eventId),
      { within: 10_000, interval: 200 },
    );
  });

  it('answers 502 naming the method and field when the remote answers outside the contract, and changes nothing', async () => {
    const { token, id } = await paidOrder();
    const res = await call(`/api/orders/${id}/cancel`, { method: 'POST', token });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'https://cafe.example/problems/contract-violation', status: 502, module: 'fulfillment', method: 'withdrawTicket', side: 'output' });
    expect(res.body.detail).toMatch(/fulfillment\.withdrawTicket answered .*outcome/);
    expect(res.body.violations).toEqual([expect.objectContaining({ field: 'outcome' })]);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    expect((await call(`/api/orders/${id}`, { token })).body.status).toBe('PAID');
  });

  it('answers 502 naming the field when the remote refuses the request its contract no longer accepts', async () => {
    await s.fulfillment.kill();
    s.fulfillment = await s.start('fulfillment', { FULFILLMENT_DRIFT: 'request' });
    await eventually(
      async () => (await (await fetch(`${s.gateway.url}/health/ready`)).json()) as { checks: Record<string, { detail?: string }> },
      (r) => /1\/1 instances healthy/.test(r.checks['remote:fulfillment']?.detail ?? ''),
      { within: 20_000, interval: 200 },
    );
    const { token, id } = await paidOrder();
    const res = await call(`/api/orders/${id}/cancel`, { method: 'POST', token });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ type: 'https://cafe.example/problems/contract-violation', module: 'fulfillment', method: 'withdrawTicket', side: 'input' });
    expect(res.body.detail).toMatch(/fulfillment\.withdrawTicket was called with .*reason/);
    expect((await call(`/api/orders/${id}`, { token })).body.status).toBe('PAID');
  });
});
