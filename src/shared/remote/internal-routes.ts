import { Hono } from 'hono';
import type { ApiRegistry } from '../api-registry.ts';
import { currentContext } from '../context.ts';
import { ContractViolationError, ModuleUnavailableError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import { contractViolationProblem, problemResponse } from '../http/problem.ts';
import type { Logger } from '../logger.ts';
import { violation } from './remote-module.ts';
import { serviceCaller } from './service-auth.ts';
import type { ServiceTokens } from './service-tokens.ts';

/**
 * The public APIs of the modules hosted here, for other processes: `POST /internal/<module>/<method>`,
 * JSON in and out, checked by the module's own contract. Only a service token for that module's
 * audience gets in; the gateway never proxies this path, so no customer reaches it.
 */
export function internalRoutes(registry: ApiRegistry, tokens: ServiceTokens, logger: Logger): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  router.post('/:module/:method', async (c) => {
    const { module, method: name } = c.req.param();
    const caller = await serviceCaller(c, tokens, module);
    if (caller instanceof Response) return caller;
    const contract = registry.hosted(module);
    const method = contract?.methods[name];
    if (!contract || !method) return problemResponse(c, 404, `${module}.${name} is not served here`, { type: 'route-not-found' });

    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return problemResponse(c, 400, `${module}.${name}: the body is not JSON`, { type: 'malformed-request' });
    }
    const input = method.input.safeParse(body);
    if (!input.success) {
      const refused = violation(module, name, 'input', input.error);
      return problemResponse(c, 400, refused.message, { type: 'contract-violation', errors: refused.issues.map((i) => ({ field: i.path, message: i.message })) });
    }
    const context = currentContext();
    if (context && caller.user) context.user = caller.user;
    try {
      const client = registry.client(contract) as Record<string, (input: unknown) => Promise<unknown>>;
      return c.json((await client[name]!(input.data)) ?? null, 200);
    } catch (err) {
      if (err instanceof ModuleUnavailableError) {
        return problemResponse(c, 503, `${module}.${name} needs ${err.module}, which is unavailable`, { type: 'module-unavailable', headers: { 'Retry-After': '5' } });
      }
      if (err instanceof ContractViolationError) {
        // A call this one made onward broke its contract: the caller learns which, not a bare 500.
        logger.warn({ err, module, method: name, caller: caller.service }, 'internal call failed on a contract violation further along');
        return contractViolationProblem(c, err);
      }
      logger.error({ err, module, method: name, caller: caller.service }, 'internal call failed');
      return problemResponse(c, 500, `${module}.${name} failed`, { type: 'internal' });
    }
  });
  return router;
}
