/**
 * The kernel's HTTP side for modules' `http/` adapters: the app's context type, the route guards,
 * and the problems that refusals become. Only adapters use these: refusals are data inside a module.
 */
export type { AppEnv } from './app-env.ts';
export { safeText } from './text.ts';
export { principalOf, requireRole, requireUser } from './auth.ts';
export { Problem, conflict, forbidden, notFound, unauthorized, unavailable, unprocessable } from '../errors.ts';
export { content, email, json, jsonBody, noContent, operation, problem, uuid, type Access, type OperationOptions } from './openapi.ts';
