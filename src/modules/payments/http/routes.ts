import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { unavailable, unprocessable, type Problem, type AppEnv, principalOf, json, jsonBody, operation } from '../../../shared/http/index.ts';
import { WalletBusy, type Wallets } from '../application/wallets.ts';
import { MAX_BALANCE_CENTS, MAX_DEPOSIT_CENTS, WalletRefused, type Refusal } from '../domain/wallet.ts';

const Deposit = z
  .strictObject({ amountCents: z.number().int().positive().max(MAX_DEPOSIT_CENTS).describe('Whole cents, at most one deposit limit') })
  .openapi('Deposit');
const Balance = z.object({ balanceCents: z.number().int() }).openapi('WalletBalance');
const Statement = z
  .object({
    balanceCents: z.number().int(),
    history: z.array(
      z.object({
        type: z.enum(['deposited', 'charged', 'refunded']),
        amountCents: z.number().int(),
        orderId: z.uuid().optional(),
        at: z.iso.datetime(),
      }),
    ),
  })
  .openapi('WalletStatement');

/** The caller's own wallet: any signed-in user may top it up and read it; nobody sees another's. */
export function paymentsRoutes(router: OpenAPIHono<AppEnv>, wallets: Wallets): OpenAPIHono<AppEnv> {
  router.openapi(
    operation(
      {
        method: 'post',
        path: '/wallet/deposits',
        operationId: 'depositToWallet',
        tags: ['payments'],
        summary: 'Top up your wallet',
        request: { body: jsonBody(Deposit) },
        responses: { 201: json(Balance, 'Deposited') },
      },
      {
        access: 'user',
        errors: {
          422: `The balance would pass ${MAX_BALANCE_CENTS} cents (\`balance-limit\`)`,
          503: 'The wallet is busy with other payments; send the deposit again after Retry-After',
        },
      },
    ),
    async (c) => {
      const deposited = await answer(() => wallets.deposit(principalOf(c).id, c.req.valid('json').amountCents));
      if (!deposited.ok) throw refusalProblem(deposited.refusal);
      return c.json(deposited.result, 201);
    },
  );
  router.openapi(
    operation(
      {
        method: 'get',
        path: '/wallet',
        operationId: 'getWalletStatement',
        tags: ['payments'],
        summary: 'Your balance and every movement it is folded from, oldest first',
        responses: { 200: json(Statement, 'Wallet') },
      },
      { access: 'user' },
    ),
    async (c) => c.json(await wallets.statement(principalOf(c).id), 200),
  );
  return router;
}

/** payments' own errors as HTTP problems: the mapping lives here, at the edge. */
async function answer<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    if (err instanceof WalletBusy) throw unavailable(err.message, err.retryAfterSeconds);
    if (err instanceof WalletRefused) throw refusalProblem(err.refusal);
    throw err;
  }
}

function refusalProblem(refusal: Refusal): Problem {
  switch (refusal.reason) {
    case 'invalid_amount':
      return unprocessable(refusal.detail, 'invalid-amount');
    case 'balance_limit':
      return unprocessable(`A wallet may hold at most ${MAX_BALANCE_CENTS} cents; the balance is ${refusal.balanceCents} cents`, 'balance-limit');
    case 'insufficient_funds':
      return unprocessable(`Insufficient funds: the balance is ${refusal.balanceCents} cents`, 'insufficient-funds');
  }
}
