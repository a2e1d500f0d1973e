import { AsyncLocalStorage } from 'node:async_hooks';

/** What travels with a request or an event delivery: used for logs and event envelopes. */
export interface ExecutionContext {
  requestId?: string;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  /** The signed-in user behind the work, so a remote call can say on whose behalf it is made. */
  user?: { id: string; role: string };
}

const storage = new AsyncLocalStorage<ExecutionContext>();

export function currentContext(): ExecutionContext | undefined {
  return storage.getStore();
}

export function runInContext<T>(ctx: ExecutionContext, fn: () => T): T {
  return storage.run(ctx, fn);
}
