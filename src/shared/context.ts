import { AsyncLocalStorage } from 'node:async_hooks';

/** What travels with a request or an event delivery: used for logs and event envelopes. */
export interface ExecutionContext {
  requestId?: string;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
}

const storage = new AsyncLocalStorage<ExecutionContext>();

export function currentContext(): ExecutionContext | undefined {
  return storage.getStore();
}

export function runInContext<T>(ctx: ExecutionContext, fn: () => T): T {
  return storage.run(ctx, fn);
}
