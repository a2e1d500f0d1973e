import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { unavailable, unprocessable, type Problem, type AppEnv, principalOf, json, jsonBody, operation } from '../../../shared/http/index.ts';
import { WalletBusy, type Wallets } from '../application/wallets.ts';
import { MAX_BALANCE_CENTS, MAX_DEPOSIT_CENTS, WalletRefused, type Refusal } from '../domain/wallet.ts';
import { decodeCursor, encodeCursor, STATEMENT_PAGE } from './statement-cursor.ts';

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
    next: z
      .string()
      .nullable()
      .describe('Pass as `cursor` to read the movements that follow; null when this page is the last'),
  })
  .openapi('WalletStatement');
const StatementPage = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(STATEMENT_PAGE.max)
    .default(STATEMENT_PAGE.default)
    .describe(`Movements per page, 1 to ${STATEMENT_PAGE.max}`),
  cursor: z
    .string()
    .max(64)
    .refine((raw) => decodeCursor(raw) !== undefined, 'Not a cursor from an earlier statement page')
    .optional()
    .describe("The `next` of the previous page; absent: from the wallet's first movement"),
});

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
        summary: 'Your balance and the movements it is folded from, oldest first, a page at a time',
        request: { query: StatementPage },
        responses: { 200: json(Statement, 'Wallet') },
      },
      { access: 'user' },
    ),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const { nextAfter, ...statement } = await wallets.statement(principalOf(c).id, { after: cursor ? decodeCursor(cursor)! : 0, limit });
      return c.json({ ...statement, next: nextAfter === null ? null : encodeCursor(nextAfter) }, 200);
    },
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
    case 'order_closed':
      return unprocessable('The order was closed before it was charged', 'order-closed');
  }
}
