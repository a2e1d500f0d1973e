import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../../shared/http/app-env.ts';
import { principalOf, requireUser } from '../../../shared/http/auth.ts';
import type { Wallets } from '../application/wallets.ts';
import { MAX_DEPOSIT_CENTS } from '../domain/wallet.ts';

const Deposit = z.strictObject({ amountCents: z.number().int().positive().max(MAX_DEPOSIT_CENTS).describe('Whole cents, at most one deposit limit') });
const Balance = z.object({ balanceCents: z.number().int() }).openapi('WalletBalance');
const Statement = z
  .object({
    balanceCents: z.number().int(),
    history: z.array(
      z.object({
        type: z.enum(['deposited', 'charged', 'refunded']),
        amountCents: z.number().int(),
        orderId: z.uuid().optional(),
        at: z.string(),
      }),
    ),
  })
  .openapi('WalletStatement');

const problem = { description: 'Problem', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

/** The caller's own wallet: any signed-in user may top it up and read it; nobody sees another's. */
export function paymentsRoutes(router: OpenAPIHono<AppEnv>, wallets: Wallets): OpenAPIHono<AppEnv> {
  router.openapi(
    createRoute({
      method: 'post',
      path: '/wallet/deposits',
      tags: ['payments'],
      summary: 'Top up your wallet',
      security: [{ bearer: [] }],
      middleware: [requireUser()] as const,
      request: { body: { required: true, content: { 'application/json': { schema: Deposit } } } },
      responses: { 201: json(Balance, 'Deposited'), 400: problem, 401: problem, 422: problem, 503: problem },
    }),
    async (c) => c.json(await wallets.deposit(principalOf(c).id, c.req.valid('json').amountCents), 201),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/wallet',
      tags: ['payments'],
      summary: 'Your balance and every movement it is folded from, oldest first',
      security: [{ bearer: [] }],
      middleware: [requireUser()] as const,
      responses: { 200: json(Statement, 'Wallet'), 401: problem },
    }),
    async (c) => c.json(await wallets.statement(principalOf(c).id), 200),
  );
  return router;
}
