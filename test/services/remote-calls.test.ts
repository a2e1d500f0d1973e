import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { SignJWT, exportPKCS8, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentsApi } from '../../src/modules/payments/index.ts';
import { defineApi } from '../../src/shared/api.ts';
import { modules } from '../../src/modules.ts';
import { loadSigningKey } from '../../src/shared/auth/keys.ts';
import { ContractViolationError, ModuleUnavailableError } from '../../src/shared/errors.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { InstancePool } from '../../src/shared/remote/instances.ts';
import { RemoteModule } from '../../src/shared/remote/remote-module.ts';
import { ServiceTokens, audienceOf } from '../../src/shared/remote/service-tokens.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const logger = createLogger('silent');
const policy = { timeoutMs: 500, retries: 1, breakerFailures: 3, halfOpenAfterMs: 60_000 };

async function remotePayments(base: string, tokens: ServiceTokens) {
  const pool = new InstancePool('payments', { urls: [base], healthIntervalMs: 60_000, dnsRefreshMs: 60_000, probe: async () => true }, logger);
  await pool.start();
  const remote = new RemoteModule('payments', pool, tokens, policy, createMetrics(), logger);
  return { remote, client: remote.client(paymentsApi), stop: () => pool.stop() };
}

describe('internal routes refuse what is not a service token for their module', () => {
  let app: TestApp;
  let pem: string;
  let tokens: ServiceTokens;
  const body = JSON.stringify({ customerId: '00000000-0000-4000-8000-000000000000' });
  const call = (token?: string, path = '/internal/payments/balance') =>
    app.kernel.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });

  beforeAll(async () => {
    pem = await exportPKCS8((await generateKeyPair('ES256', { extractable: true })).privateKey);
    // Definitions by name from the composition root, so this file outlives an extraction of either.
    app = await startTestApp({ modules: modules.filter((m) => m.name === 'identity' || m.name === 'payments'), config: { SERVICE_TOKEN_KEY: pem } });
    tokens = new ServiceTokens(await loadSigningKey(pem, 'memory://'), 'test-caller', { jwksUrls: [] });
  });
  afterAll(() => app?.stop());

  it('answers a valid service token with the contract answer', async () => {
    const res = await call(await tokens.sign('payments'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ balanceCents: 0 });
  });

  it('gives 401 without a token, with a user token, with one for another audience, expired, or from an untrusted key', async () => {
    const key = await loadSigningKey(pem, 'memory://');
    const user = (await app.signUp('customer')).token;
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'service+jwt' })
      .setIssuer('service:test-caller')
      .setAudience(audienceOf('payments'))
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(key.privateKey);
    const stranger = new ServiceTokens(await loadSigningKey(undefined, 'memory://'), 'stranger', { jwksUrls: [] });
    for (const token of [undefined, user, await tokens.sign('fulfillment'), expired, await stranger.sign('payments')]) {
      const res = await call(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('names the method and the field when the input breaks the contract', async () => {
    const res = await app.kernel.app.request('/internal/payments/charge', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokens.sign('payments')}` },
      body: JSON.stringify({ customerId: '00000000-0000-4000-8000-000000000000', orderId: 'not-a-uuid', amountCents: 5 }),
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { type: string; detail: string };
    expect(problem.type).toMatch(/contract-violation$/);
    expect(problem.detail).toMatch(/payments\.charge .*orderId/);
  });
});

describe('a remote client', () => {
  let server: ServerType;
  let base: string;
  let answer: unknown = {};
  let status = 200;
  const seen: { auth?: string; correlation?: string }[] = [];
  let tokens: ServiceTokens;

  beforeAll(async () => {
    tokens = new ServiceTokens(await loadSigningKey(undefined, 'memory://'), 'test', { jwksUrls: [] });
    const fake = new Hono().post('/internal/payments/:method', (c) => {
      seen.push({ auth: c.req.header('authorization'), correlation: c.req.header('x-correlation-id') });
      return c.json(answer as object, status as 200);
    });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: fake.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('refuses an answer its contract does not accept, naming the field', async () => {
    answer = { outcome: 'charged', amountCents: 'lots', balanceCents: 1 };
    status = 200;
    const { client, stop } = await remotePayments(base, tokens);
    const call = client.charge({ customerId: '00000000-0000-4000-8000-000000000000', orderId: '00000000-0000-4000-8000-000000000001', amountCents: 5 });
    await expect(call).rejects.toBeInstanceOf(ContractViolationError);
    await expect(call).rejects.toThrow(/payments\.charge answered .*amountCents/);
    expect(seen.at(-1)!.auth).toMatch(/^Bearer ey/);
    stop();
  });

  it('reports a request the remote contract refuses, and a violation further along, as the ContractViolationError they name', async () => {
    const { client, stop } = await remotePayments(base, tokens);
    const charge = () => client.charge({ customerId: '00000000-0000-4000-8000-000000000000', orderId: '00000000-0000-4000-8000-000000000001', amountCents: 5 });
    status = 400;
    answer = { type: 'https://cafe.example/problems/contract-violation', status: 400, errors: [{ field: 'currency', message: 'Required' }] };
    const calls = seen.length;
    await expect(charge()).rejects.toThrow(/payments\.charge was called with data its contract refuses: currency: Required/);
    // A refused contract is no outage: not retried, whatever the method's idempotency.
    expect(seen.length - calls).toBe(1);
    status = 502;
    answer = { type: 'https://cafe.example/problems/contract-violation', status: 502, module: 'ledger', method: 'post', side: 'output', violations: [{ field: 'entry.id', message: 'Invalid UUID' }] };
    const nested = await charge().catch((e: unknown) => e);
    expect(nested).toBeInstanceOf(ContractViolationError);
    expect(nested).toMatchObject({ module: 'ledger', method: 'post', side: 'output' });
    expect(String(nested)).toMatch(/ledger\.post answered .*entry\.id: Invalid UUID/);
    status = 200;
    stop();
  });

  it('keeps data results as data and turns 5xx into ModuleUnavailableError after its retry', async () => {
    answer = { outcome: 'declined', reason: 'insufficient_funds', balanceCents: 0 };
    const { client, stop } = await remotePayments(base, tokens);
    expect(await client.charge({ customerId: '00000000-0000-4000-8000-000000000000', orderId: '00000000-0000-4000-8000-000000000001', amountCents: 5 })).toEqual(answer);
    status = 500;
    answer = { type: 'internal' };
    const calls = seen.length;
    await expect(client.balance({ customerId: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(ModuleUnavailableError);
    // balance is idempotent: one retry after the first failure.
    expect(seen.length - calls).toBe(2);
    stop();
  });

  it('opens its breaker after consecutive failures and then fails fast', async () => {
    status = 503;
    const { client, remote, stop } = await remotePayments(base, tokens);
    for (let i = 0; i < 3; i++) await expect(client.balance({ customerId: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(ModuleUnavailableError);
    expect(remote.breakerState).toBe('open');
    const calls = seen.length;
    await expect(client.balance({ customerId: '00000000-0000-4000-8000-000000000000' })).rejects.toBeInstanceOf(ModuleUnavailableError);
    expect(seen.length).toBe(calls);
    stop();
  });

  it('answers a declared fallback when the module cannot be reached', async () => {
    status = 503;
    const withFallback = defineApi('payments', {
      balance: { ...paymentsApi.methods.balance, fallback: () => ({ balanceCents: 0 }) },
    });
    const { remote, stop } = await remotePayments(base, tokens);
    const client = remote.client(withFallback);
    expect(await client.balance({ customerId: '00000000-0000-4000-8000-000000000000' })).toEqual({ balanceCents: 0 });
    stop();
  });
});
