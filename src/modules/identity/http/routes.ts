import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { principalOf, requireRole, requireUser } from '../../../shared/http/auth.ts';
import type { AppEnv } from '../../../shared/http/app-env.ts';
import { notFound } from '../../../shared/errors.ts';
import { MIN_PASSWORD_LENGTH } from '../domain/account.ts';
import type { Accounts } from '../application/accounts.ts';
import { Role, UserDto } from '../index.ts';

// A fresh object from the OpenAPI-aware z: contracts in index.ts are plain zod.
const User = z.object(UserDto.shape).openapi('User');
const Credentials = z.object({ email: z.email().max(254), password: z.string().min(1).max(1024) });
const NewAccount = z.object({
  email: z.email().max(254),
  password: z.string().min(MIN_PASSWORD_LENGTH, `Password must have at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
  displayName: z.string().trim().min(1).max(100),
});
const Tokens = z
  .object({ accessToken: z.string(), refreshToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.number().int() })
  .openapi('TokenPair');
const problem = { description: 'Problem', content: { 'application/problem+json': { schema: z.object({}).passthrough() } } };
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });

export function identityRoutes(router: OpenAPIHono<AppEnv>, accounts: Accounts): OpenAPIHono<AppEnv> {
  router.openapi(
    createRoute({
      method: 'post',
      path: '/register',
      tags: ['identity'],
      summary: 'Register a customer account',
      request: body(NewAccount),
      responses: { 201: json(User, 'Registered'), 400: problem, 409: problem },
    }),
    async (c) => c.json(await accounts.registerCustomer(c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/login',
      tags: ['identity'],
      summary: 'Exchange email and password for tokens',
      request: body(Credentials),
      responses: { 200: json(Tokens, 'Signed in'), 400: problem, 401: problem },
    }),
    async (c) => c.json(await accounts.logIn(c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/refresh',
      tags: ['identity'],
      summary: 'Rotate a refresh token into a new pair',
      request: body(z.object({ refreshToken: z.string().min(1).max(512) })),
      responses: { 200: json(Tokens, 'Rotated'), 400: problem, 401: problem },
    }),
    async (c) => c.json(await accounts.refresh(c.req.valid('json').refreshToken), 200),
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
      responses: { 201: json(User, 'Created'), 400: problem, 401: problem, 403: problem, 409: problem },
    }),
    async (c) => c.json(await accounts.createAccount(c.req.valid('json')), 201),
  );
  return router;
}
