import type { InstancePool } from './instances.ts';

/**
 * One request to some instance of a remote module, for the operator's and the document's calls
 * (the public API's calls go through `RemoteModule`, with its breaker and retries). A refused
 * connection takes the instance out and tries the next; an answer of any status is returned.
 */
export async function requestAnInstance(pool: InstancePool, path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  const tried = new Set<string>();
  let last: unknown;
  for (;;) {
    const base = pool.pick(tried);
    if (!base) throw new Error(tried.size === 0 ? `no instance of ${pool.module} is known` : `no instance of ${pool.module} answered: ${(last as Error)?.message ?? 'unknown error'}`);
    tried.add(base);
    try {
      return await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      last = err;
      pool.markDown(base);
    }
  }
}
