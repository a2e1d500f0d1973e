import type { z } from 'zod';
import { ModuleUnavailableError } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { apiCallSpan } from './telemetry/api-spans.ts';

/**
 * A module's public API as data: method names with zod input and output schemas. The same
 * contract validates local calls today and serialises remote calls once the module is extracted.
 */
export interface MethodContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /**
   * Calling it twice with the same input has the effect of calling it once (reads, or writes keyed
   * by a business id). Only such methods are retried when a remote call fails in flight.
   */
  idempotent?: boolean;
  /** The answer to give when the module cannot be reached, instead of failing the caller. */
  fallback?: (input: z.output<I>) => z.input<O>;
}

export interface ApiContract<M extends Record<string, MethodContract> = Record<string, MethodContract>> {
  readonly module: string;
  readonly methods: M;
}

export function defineApi<M extends Record<string, MethodContract>>(module: string, methods: M): ApiContract<M> {
  return { module, methods };
}

/** What callers see: every method async, plain data in and out. */
export type ApiClient<C extends ApiContract> = {
  [K in keyof C['methods']]: (input: z.input<C['methods'][K]['input']>) => Promise<z.output<C['methods'][K]['output']>>;
};

/** What the owning module implements. */
export type ApiImplementation<C extends ApiContract> = {
  [K in keyof C['methods']]: (input: z.output<C['methods'][K]['input']>) => Promise<z.input<C['methods'][K]['output']>>;
};

export type Fault = (method: string) => Error | undefined;

/**
 * Wraps a local implementation the way a remote client would behave: input and output are
 * validated and copied through JSON, so nothing but plain data crosses, and an injected fault
 * surfaces as `ModuleUnavailableError`, the same error a timeout or an open breaker gives.
 */
export function localClient<C extends ApiContract>(
  contract: C,
  impl: ApiImplementation<C>,
  metrics: Metrics,
  faults: () => Fault | undefined,
): ApiClient<C> {
  const client: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, method] of Object.entries(contract.methods)) {
    const fn = (impl as Record<string, (input: unknown) => Promise<unknown>>)[name];
    if (typeof fn !== 'function') throw new Error(`${contract.module} does not implement ${name}`);
    client[name] = (input: unknown) =>
      apiCallSpan(contract.module, name, 'local', async () => {
        const fault = faults()?.(name);
        if (fault) {
          metrics.apiCalls.inc({ module: contract.module, method: name, outcome: 'unavailable' });
          throw new ModuleUnavailableError(contract.module, name, fault);
        }
        const parsedInput = method.input.parse(input);
        const result = await fn.call(impl, parsedInput);
        metrics.apiCalls.inc({ module: contract.module, method: name, outcome: 'ok' });
        return method.output.parse(structuredClone(result));
      });
  }
  return client as ApiClient<C>;
}
