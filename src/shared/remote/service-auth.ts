import type { Context } from 'hono';
import { problemResponse } from '../http/problem.ts';
import { InvalidServiceTokenError, type ServiceCaller, type ServiceTokens } from './service-tokens.ts';

/**
 * The caller of an internal route for `module`, or the 401 problem to answer: only a valid
 * service token for that module's audience gets in.
 */
export async function serviceCaller(c: Context, tokens: ServiceTokens, module: string): Promise<ServiceCaller | Response> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const unauthorized = (detail: string) => problemResponse(c, 401, detail, { type: 'invalid-service-token', headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
  if (!bearer) return unauthorized('Internal routes need a service token');
  try {
    return await tokens.verify(bearer, module);
  } catch (err) {
    return unauthorized(err instanceof InvalidServiceTokenError ? err.message : 'service token invalid');
  }
}
