import type { MiddlewareHandler } from 'hono';
import { InvalidTokenError, type Principal, type TokenVerifier } from '../auth/tokens.ts';
import { currentContext } from '../context.ts';
import { forbidden, Problem, unauthorized } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

/** Reads a bearer token when present; routes decide whether they need one. */
export function authenticate(verifier: TokenVerifier): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new Problem(401, 'unauthorized', 'Authorization header must be "Bearer <token>"', {}, { 'WWW-Authenticate': 'Bearer' });
      try {
        const principal = await verifier.verify(match[1]!);
        c.set('principal', principal);
        // A call to a module in another process says on whose behalf it is made.
        const context = currentContext();
        if (context) context.user = { id: principal.id, role: principal.role };
      } catch (err) {
        const detail = err instanceof InvalidTokenError ? `Access token rejected: ${err.message}` : 'Access token rejected';
        throw new Problem(401, 'invalid-token', detail, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      }
    }
    await next();
  };
}

/** Route guard: a signed-in caller, optionally with one of the given roles. */
export function requireRole(...roles: string[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal) throw unauthorized();
    if (roles.length > 0 && !roles.includes(principal.role)) throw forbidden(`Requires role ${roles.join(' or ')}`);
    await next();
  };
}

export const requireUser = (): MiddlewareHandler<AppEnv> => requireRole();

/** The caller of a guarded route. */
export function principalOf(c: { get(key: 'principal'): Principal | undefined }): Principal {
  const p = c.get('principal');
  if (!p) throw unauthorized();
  return p;
}
