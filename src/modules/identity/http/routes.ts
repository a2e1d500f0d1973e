import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf, email, json, jsonBody, noContent, operation, type AppEnv, notFound, Problem, safeText } from '../../../shared/http/index.ts';
import { MIN_PASSWORD_LENGTH, normalizeEmail } from '../domain/account.ts';
import { HashingBusy, IdentityRefusal, type RefusalKind } from '../domain/errors.ts';
import type { Accounts } from '../application/accounts.ts';
import { Role, UserDto } from '../index.ts';
import { RateLimited, type AuthRateLimits, type LimitedRoute } from './rate-limits.ts';

// A fresh object from the OpenAPI-aware z: contracts in index.ts are plain zod.
const User = z.object(UserDto.shape).openapi('User');
const Credentials = z.strictObject({ email: email().max(254), password: z.string().min(1).max(1024) }).openapi('Credentials');
const NewAccount = z.strictObject({
  email: email().max(254),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Password must have at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(1024)
    .refine((p) => /\S/.test(p), 'Password must contain more than whitespace'),
  displayName: safeText(z.string().trim().min(1).max(100)),
});
const NewCustomer = NewAccount.openapi('NewCustomer');
const NewStaffAccount = NewAccount.extend({ role: Role }).openapi('NewAccount');
const RefreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) }).openapi('RefreshRequest');
const Tokens = z
  .object({ accessToken: z.string(), refreshToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() })
  .openapi('TokenPair');
const RATE_LIMITED = 'Too many attempts from this address or for this account (`rate-limited`); wait as Retry-After says';
const HASHING_BUSY = 'Too many sign-ins at once (`busy`); try again after Retry-After';

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
    operation(
      {
        method: 'post',
        path: '/register',
        operationId: 'registerCustomer',
        tags: ['identity'],
        summary: 'Register a customer account',
        request: { body: jsonBody(NewCustomer) },
        responses: { 201: json(User, 'Registered') },
      },
      { access: 'public', errors: { 409: 'The email is taken (`email-taken`)', 429: RATE_LIMITED, 503: HASHING_BUSY } },
    ),
    async (c) => {
      const input = c.req.valid('json');
      await attempt(c, 'register', normalizeEmail(input.email));
      return c.json(await accounts.registerCustomer(input), 201);
    },
  );

  router.openapi(
    operation(
      {
        method: 'post',
        path: '/login',
        operationId: 'logIn',
        tags: ['identity'],
        summary: 'Exchange email and password for tokens',
        request: { body: jsonBody(Credentials) },
        responses: { 200: json(Tokens, 'Signed in') },
      },
      { access: 'public', errors: { 401: 'Unknown email or wrong password (`invalid-credentials`), or a refused bearer token', 429: RATE_LIMITED, 503: HASHING_BUSY } },
    ),
    async (c) => {
      const input = c.req.valid('json');
      await attempt(c, 'login', normalizeEmail(input.email));
      return c.json(await accounts.logIn(input), 200);
    },
  );

  router.openapi(
    operation(
      {
        method: 'post',
        path: '/refresh',
        operationId: 'refreshTokens',
        tags: ['identity'],
        summary: 'Rotate a refresh token into a new pair',
        description: 'The old refresh token stops working; using it again answers 401.',
        request: { body: jsonBody(RefreshRequest) },
        responses: { 200: json(Tokens, 'Rotated') },
      },
      { access: 'public', errors: { 401: 'Unknown, expired or reused refresh token (`invalid-refresh-token`), or a refused bearer token', 429: RATE_LIMITED } },
    ),
    async (c) => {
      const { refreshToken } = c.req.valid('json');
      // Per token: the secret makes guessing hopeless, so this bounds replays of one stolen token.
      await attempt(c, 'refresh', refreshToken.split('.')[0] ?? '');
      return c.json(await accounts.refresh(refreshToken), 200);
    },
  );

  router.openapi(
    operation(
      {
        method: 'post',
        path: '/logout',
        operationId: 'logOut',
        tags: ['identity'],
        summary: 'End the session a refresh token belongs to (its whole family is revoked)',
        request: { body: jsonBody(RefreshRequest) },
        responses: { 204: noContent('Signed out') },
      },
      { access: 'public', errors: { 429: RATE_LIMITED } },
    ),
    async (c) => {
      const { refreshToken } = c.req.valid('json');
      await attempt(c, 'refresh', refreshToken.split('.')[0] ?? '');
      await accounts.logOut(refreshToken);
      return c.body(null, 204);
    },
  );

  router.openapi(
    operation(
      { method: 'get', path: '/me', operationId: 'getMyAccount', tags: ['identity'], summary: 'The signed-in account', responses: { 200: json(User, 'Account') } },
      { access: 'user', errors: { 404: 'The account behind the token no longer exists' } },
    ),
    async (c) => {
      const me = await accounts.profile(principalOf(c).id);
      if (!me) throw notFound('Account');
      return c.json(me, 200);
    },
  );

  router.openapi(
    operation(
      {
        method: 'post',
        path: '/users',
        operationId: 'createAccount',
        tags: ['identity'],
        summary: 'Create an account with any role (staff accounts)',
        request: { body: jsonBody(NewStaffAccount) },
        responses: { 201: json(User, 'Created') },
      },
      { access: { roles: ['admin'] }, errors: { 409: 'The email is taken (`email-taken`)', 503: HASHING_BUSY } },
    ),
    async (c) => c.json(await accounts.createAccount(c.req.valid('json')), 201),
  );
  return router;
}
