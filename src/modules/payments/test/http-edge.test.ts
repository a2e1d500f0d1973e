import { describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { httpClient } from '../../../../test/support/test-app.ts';
import type { TokenVerifier } from '../../../shared/auth/tokens.ts';
import { Problem } from '../../../shared/errors.ts';
import { createGateway } from '../../../shared/http/gateway.ts';
import { createRouter } from '../../../shared/http/router.ts';
import type { Kernel } from '../../../shared/kernel.ts';
import { createLogger } from '../../../shared/logger.ts';
import { createMetrics } from '../../../shared/metrics.ts';
import { WalletBusy, Wallets } from '../application/wallets.ts';
import { ConcurrencyConflict, type WalletEventStore } from '../db/wallet-event-store.ts';
import { paymentsRoutes } from '../http/routes.ts';

describe('payments maps its own errors to problems at the HTTP edge only', () => {
  // A wallet whose every append loses the race: the command gives up as "busy".
  const store = {
    with: () => store,
    snapshot: async () => undefined,
    events: async () => [],
    append: async (streamId: string, expected: number) => {
      throw new ConcurrencyConflict(streamId, expected);
    },
  } as unknown as WalletEventStore;
  const busy = new Wallets(store, (work) => work({} as never, async () => ({}) as never), { policy: { maxAttempts: 2, maxJitterMs: 1 } });

  it('the application layer throws WalletBusy; the route answers the same 503 with Retry-After as before', async () => {
    const error = await busy.deposit(uuidv7(), 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WalletBusy);
    expect(error).not.toBeInstanceOf(Problem);
    const verifier = { verify: async () => ({ id: uuidv7(), email: 'c@cafe.test', role: 'customer' }) } as unknown as TokenVerifier;
    const app = createGateway({ logger: createLogger('silent'), metrics: createMetrics(), verifier, readiness: [], routes: { '/api/payments': paymentsRoutes(createRouter(), busy) } });
    const res = await httpClient({ app } as Kernel).post('/api/payments/wallet/deposits', { amountCents: 100 }, 'any-token');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toMatchObject({ type: 'https://cafe.example/problems/unavailable', status: 503 });
  });
});
