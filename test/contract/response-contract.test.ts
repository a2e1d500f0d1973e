import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { TokenVerifier } from '../../src/shared/auth/tokens.ts';
import { createGateway } from '../../src/shared/http/gateway.ts';
import { json, jsonBody, operation } from '../../src/shared/http/openapi.ts';
import { createRouter } from '../../src/shared/http/router.ts';
import type { Kernel } from '../../src/shared/kernel.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { ContractViolation } from '../support/contract.ts';
import { httpClient } from '../support/test-app.ts';

const Brew = z.object({ name: z.string(), strength: z.number().int().min(1).max(5) }).openapi('TestBrew');

/** A gateway whose one documented route can be told to misbehave, behind the suites' own http client. */
function client() {
  const router = createRouter();
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/brews',
        operationId: 'brew',
        tags: ['test'],
        summary: 'Brew',
        request: { body: jsonBody(z.object({ misbehave: z.enum(['none', 'status', 'body', 'type']) })) },
        responses: { 200: json(Brew, 'Brewed') },
      },
      { access: 'public' },
    ),
    (c) => {
      const { misbehave } = c.req.valid('json');
      if (misbehave === 'status') return c.json({ name: 'teapot', strength: 3 }, 418 as 200);
      if (misbehave === 'body') return c.json({ name: 'weak', strength: 0 }, 200);
      if (misbehave === 'type') return c.text('espresso', 200) as never;
      return c.json({ name: 'espresso', strength: 5 }, 200);
    },
  );
  // Served, but never declared.
  router.get('/secret', (c) => c.json({ hidden: true }));
  const verifier = { verify: () => Promise.reject(new Error('no tokens here')) } as unknown as TokenVerifier;
  const app = createGateway({ logger: createLogger('silent'), metrics: createMetrics(), verifier, readiness: [], routes: { '/api/test': router } });
  return httpClient({ app } as Kernel);
}

describe('the response contract hook of the test http client', () => {
  it('passes an answer the document declares, errors and gateway answers included', async () => {
    const http = client();
    expect((await http.post('/api/test/brews', { misbehave: 'none' })).body).toEqual({ name: 'espresso', strength: 5 });
    expect((await http.post('/api/test/brews', { misbehave: 'nonsense' })).status).toBe(400);
    expect((await http.raw('/api/test/brews', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    expect((await http.get('/api/test/nowhere')).status).toBe(404);
    expect((await http.get('/health/live')).status).toBe(200);
    // Operator-only: the refusal is declared as well.
    expect((await http.get('/metrics')).status).toBe(401);
  });

  it('fails on a status the operation does not declare', async () => {
    const error = await client()
      .post('/api/test/brews', { misbehave: 'status' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolation);
    expect(String(error)).toContain('brew does not declare 418');
  });

  it('fails on a body its schema refuses, and on an undeclared media type', async () => {
    const body = await client()
      .post('/api/test/brews', { misbehave: 'body' })
      .catch((e: unknown) => e);
    expect(body).toBeInstanceOf(ContractViolation);
    expect(String(body)).toMatch(/brew body\/strength must be >= 1/);
    const type = await client()
      .post('/api/test/brews', { misbehave: 'type' })
      .catch((e: unknown) => e);
    expect(String(type)).toContain('not "text/plain"');
  });

  it('fails on a route the document does not know', async () => {
    const error = await client()
      .get('/api/test/secret')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolation);
    expect(String(error)).toContain('the path is not in the document');
  });

  it('checks the 405 a known path answers to another method, Allow included', async () => {
    const res = await client().get('/api/test/brews');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.body).toMatchObject({ type: 'https://cafe.example/problems/method-not-allowed', status: 405 });
  });

  it('checks what a generated client receives through its fetch as well', async () => {
    const http = client();
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ misbehave: 'status' }) };
    await expect(http.fetch('/api/test/brews', init)).rejects.toBeInstanceOf(ContractViolation);
  });
});
