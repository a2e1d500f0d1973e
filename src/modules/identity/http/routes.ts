import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf, requireRole, requireUser } from '../../../shared/http/auth.ts';
import type { AppEnv } from '../../../shared/http/app-env.ts';
import { notFound, Problem } from '../../../shared/errors.ts';
import { safeText } from '../../../shared/http/text.ts';
import { MIN_PASSWORD_LENGTH, normalizeEmail } from '../domain/account.ts';
import { HashingBusy, IdentityRefusal, type RefusalKind } from '../domain/errors.ts';
import type { Accounts } from '../application/accounts.ts';
import { Role, UserDto } from '../index.ts';
import { RateLimited, type AuthRateLimits, type LimitedRoute } from './rate-limits.ts';

// A fresh object from the OpenAPI-aware z: contracts in index.ts are plain zod.
const User = z.object(UserDto.shape).openapi('User');
const Credentials = z.strictObject({ email: z.email().max(254), password: z.string().min(1).max(1024) });
const NewAccount = z.strictObject({
  email: z.email().max(254),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Password must have at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(1024)
    .refine((p) => /\S/.test(p), 'Password must contain more than whitespace'),
  displayName: safeText(z.string().trim().min(1).max(100)),
});
const RefreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });
const Tokens = z
  .object({ accessToken: z.string(), refreshToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() })
  .openapi('TokenPair');
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

const REFUSALS: Record<RefusalKind, { status: number; type: string }> = {
  'email-taken': { status: 409, type: 'email-taken' },
  'invalid-credentials': { status: 401, type: 'invalid-credentials' },
  'invalid-refresh-token': { status: 401, type: 'invalid-refresh-token' },
  'account-missing': { status: 401, type: 'invalid-token' },
};

/** identity's refusals as HTTP problems; anything else goes on to the gateway's error handling. */
function asProblem(err: Error): Error {
  if (err instanceof IdentityRefusal) {
    const { status, type } = REFUSALS[err.kind];
    return new Problem(status, type, err.message);
  }
  if (err instanceof HashingBusy) {
    return new Problem(503, 'busy', 'Too many sign-ins at once; try again shortly', {}, { 'Retry-After': String(err.retryAfterSeconds) });
  }
  if (err instanceof RateLimited) {
    return new Problem(429, 'rate-limited', 'Too many attempts; try again later', {}, { 'Retry-After': String(err.retryAfterSeconds) });
  }
  return err;
}

export function identityRoutes(router: OpenAPIHono<AppEnv>, accounts: Accounts, limits: AuthRateLimits): OpenAPIHono<AppEnv> {
  router.onError((err) => {
    throw asProblem(err);
  });
  // Token and account answers must not be kept by any cache between the client and us.
  router.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('Pragma', 'no-cache');
  });
  const attempt = (c: { get(key: 'clientAddress'): string | undefined }, route: LimitedRoute, account: string) =>
    limits.attempt(route, c.get('clientAddress') ?? 'unknown', account);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/register',
      tags: ['identity'],
      summary: 'Register a customer account',
      request: body(NewAccount),
      responses: { 201: json(User, 'Registered'), 400: problem, 409: problem, 429: problem, 503: problem },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await attempt(c, 'register', normalizeEmail(input.email));
      return c.json(await accounts.registerCustomer(input), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/login',
      tags: ['identity'],
      summary: 'Exchange email and password for tokens',
      request: body(Credentials),
      responses: { 200: json(Tokens, 'Signed in'), 400: problem, 401: problem, 429: problem, 503: problem },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await attempt(c, 'login', normalizeEmail(input.email));
      return c.json(await accounts.logIn(input), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/refresh',
      tags: ['identity'],
      summary: 'Rotate a refresh token into a new pair',
      request: body(RefreshRequest),
      responses: { 200: json(Tokens, 'Rotated'), 400: problem, 401: problem, 429: problem },
    }),
    async (c) => {
      const { refreshToken } = c.req.valid('json');
      // Per token: the secret makes guessing hopeless, so this bounds replays of one stolen token.
      await attempt(c, 'refresh', refreshToken.split('.')[0] ?? '');
      return c.json(await accounts.refresh(refreshToken), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/logout',
      tags: ['identity'],
      summary: 'End the session a refresh token belongs to (its whole family is revoked)',
      request: body(RefreshRequest),
      responses: { 204: { description: 'Signed out' }, 400: problem, 401: problem, 429: problem },
    }),
    async (c) => {
      const { refreshToken } = c.req.valid('json');
      await attempt(c, 'refresh', refreshToken.split('.')[0] ?? '');
      await accounts.logOut(refreshToken);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['identity'],
      summary: 'The signed-in account',
      security: [{ bearer: [] }],
      middleware: [requireUser()] as const,
      responses: { 200: json(User, 'Account'), 401: problem },
    }),
    async (c) => {
      const me = await accounts.profile(principalOf(c).id);
      if (!me) throw notFound('Account');
      return c.json(me, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags: ['identity'],
      summary: 'Create an account with any role (staff accounts)',
      security: [{ bearer: [] }],
      middleware: [requireRole('admin')] as const,
      request: body(NewAccount.extend({ role: Role })),
      responses: { 201: json(User, 'Created'), 400: problem, 401: problem, 403: problem, 409: problem, 503: problem },
    }),
    async (c) => c.json(await accounts.createAccount(c.req.valid('json')), 201),
  );
  return router;
}
