/**
 * The café API as a typed client: every operation of the OpenAPI document by path and method,
 * with typed bodies, parameters, success answers and Problem error bodies. `schema.d.ts` is
 * generated from docs/openapi.json; this file only binds it to openapi-fetch.
 */
import createClient, { type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './schema.d.ts';

export type { components, operations, paths };

/** The error body of every failed call (RFC 9457, with `errors` on validation problems). */
export type Problem = components['schemas']['Problem'];

/** A client of the server at `baseUrl`; pass `fetch` to route calls elsewhere (tests, proxies). */
export function createCafeClient(options: ClientOptions & { baseUrl: string }) {
  return createClient<paths>(options);
}

export type CafeClient = ReturnType<typeof createCafeClient>;

/** The bearer header authenticated operations take. */
export const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });
