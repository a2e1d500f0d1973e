import { Hono, type Context } from 'hono';
import type { EventBus } from '../bus/event-bus.ts';
import type { AppEnv } from '../http/app-env.ts';
import { problemResponse } from '../http/problem.ts';
import { serviceCaller } from './service-auth.ts';
import type { ServiceTokens } from './service-tokens.ts';

/**
 * The dead letters of a module hosted here, for the operator routes of whichever process the
 * operator asked: `GET /internal/<module>/dead-letters` and
 * `POST /internal/<module>/dead-letters/<eventId>/<subscription>/replay`. They live in this
 * process's database, so only this process can list or replay them. A service token for the
 * module gets in only on behalf of an operator, as the public admin routes demand.
 */
export function internalDeadLetterRoutes(bus: EventBus, hosted: ReadonlySet<string>, tokens: ServiceTokens, operatorRole: string): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  const admit = async (c: Context<AppEnv>, module: string): Promise<Response | undefined> => {
    const caller = await serviceCaller(c, tokens, module);
    if (caller instanceof Response) return caller;
    if (caller.user?.role !== operatorRole) return problemResponse(c, 403, `Dead letters are for the ${operatorRole} role`, { type: 'forbidden' });
    if (!hosted.has(module)) return problemResponse(c, 404, `${module} is not hosted here`, { type: 'route-not-found' });
    return undefined;
  };
  router.get('/:module/dead-letters', async (c) => {
    const module = c.req.param('module');
    const refused = await admit(c, module);
    if (refused) return refused;
    return c.json((await bus.deadLetters()).filter((d) => d.module === module), 200);
  });
  router.post('/:module/dead-letters/:eventId/:subscription/replay', async (c) => {
    const { module, eventId, subscription } = c.req.param();
    const refused = await admit(c, module);
    if (refused) return refused;
    const letter = (await bus.deadLetters()).find((d) => d.module === module && d.eventId === eventId && d.subscription === subscription);
    if (!letter || !(await bus.replay(eventId, subscription))) return problemResponse(c, 404, 'Dead letter not found', { type: 'not-found' });
    return c.json({ replayed: true }, 202);
  });
  return router;
}
