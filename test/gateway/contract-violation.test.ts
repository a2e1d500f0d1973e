import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import type { TokenVerifier } from '../../src/shared/auth/tokens.ts';
import { ContractViolationError } from '../../src/shared/errors.ts';
import { createGateway } from '../../src/shared/http/gateway.ts';
import { json, operation } from '../../src/shared/http/openapi.ts';
import { createRouter } from '../../src/shared/http/router.ts';
import type { Kernel } from '../../src/shared/kernel.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { createMetrics } from '../../src/shared/metrics.ts';
import { httpClient } from '../support/test-app.ts';

/** A gateway whose one route needs a module that answers outside its contract. */
function gateway() {
  const router = createRouter();
  router.openapi(
    operation({ method: 'get', path: '/brew', operationId: 'brew', tags: ['test'], summary: 'Brew', responses: { 200: json(z.object({ ok: z.boolean() }), 'Brewed') } }, { access: 'public' }),
    () => {
      throw new ContractViolationError('roastery', 'beansFor', 'output', [{ path: 'beans.0.origin', message: 'Invalid input: expected string, received number' }]);
    },
  );
  const verifier = { verify: () => Promise.reject(new Error('no tokens here')) } as unknown as TokenVerifier;
  const app = createGateway({ logger: createLogger('silent'), metrics: createMetrics(), verifier, readiness: [], routes: { '/api/test': router } });
  return httpClient({ app } as Kernel);
}

describe('a contract violation between modules at the public edge', () => {
  it('answers the 502 problem every operation declares, naming the module, method and field, without a stack', async () => {
    const res = await gateway().get('/api/test/brew');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({
      type: 'https://cafe.example/problems/contract-violation',
      title: 'Bad Gateway',
      module: 'roastery',
      method: 'beansFor',
      side: 'output',
      violations: [{ field: 'beans.0.origin', message: 'Invalid input: expected string, received number' }],
    });
    expect(res.body.detail).toBe('roastery.beansFor answered data its contract refuses: beans.0.origin: Invalid input: expected string, received number');
    expect(JSON.stringify(res.body)).not.toMatch(/\.ts:\d+/);
  });
});
