import { describe, expect, it } from 'vitest';
import { createRouter } from '../../src/shared/http/router.ts';
import { createGateway, requestIdV7 } from '../../src/shared/http/gateway.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { currentContext } from '../../src/shared/context.ts';
import type { TokenVerifier } from '../../src/shared/auth/tokens.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function gateway() {
  const metrics = createMetrics();
  const router = createRouter();
  router.get('/context', (c) => c.json({ requestId: c.get('requestId'), context: currentContext() }));
  router.get('/boom', () => {
    throw new Error('boom');
  });
  const verifier = { verify: () => Promise.reject(new Error('no tokens here')) } as unknown as TokenVerifier;
  const app = createGateway({ logger: createLogger('silent'), metrics, verifier, readiness: [], routes: { '/api/test': router } });
  return { app, metrics };
}

describe('gateway request bookkeeping', () => {
  it('gives each request a time-ordered UUIDv7, echoed in X-Request-Id and in the execution context', async () => {
    const { app } = gateway();
    const a = await app.request('/api/test/context');
    const b = await app.request('/api/test/context');
    const idA = a.headers.get('x-request-id')!;
    const idB = b.headers.get('x-request-id')!;
    expect(idA).toMatch(UUID_V7);
    expect(idB).not.toBe(idA);
    expect(await a.json()).toEqual({ requestId: idA, context: { requestId: idA, correlationId: idA } });
    expect(requestIdV7(Date.parse('2030-01-01T00:00:00Z')) > requestIdV7(Date.parse('2029-12-31T23:59:59Z'))).toBe(true);
  });

  it('keeps a well-formed incoming request id and correlation id, replaces a malformed one', async () => {
    const { app } = gateway();
    const kept = await app.request('/api/test/context', { headers: { 'x-request-id': 'edge-42', 'x-correlation-id': 'saga-7' } });
    expect(kept.headers.get('x-request-id')).toBe('edge-42');
    expect((await kept.json()).context).toMatchObject({ requestId: 'edge-42', correlationId: 'saga-7' });
    const replaced = await app.request('/api/test/context', { headers: { 'x-request-id': 'no spaces/allowed' } });
    expect(replaced.headers.get('x-request-id')).toMatch(UUID_V7);
  });

  it('answers failures as problem+json carrying the request id, and counts every request by route and status', async () => {
    const { app, metrics } = gateway();
    const res = await app.request('/api/test/boom');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await res.json()).requestId).toBe(res.headers.get('x-request-id'));
    await app.request('/api/test/context');
    await app.request('/api/test/context');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/test\/context",status="200"\} 2/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/test\/boom",status="500"\} 1/);
  });
});
