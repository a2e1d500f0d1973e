import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import type { ZodError } from 'zod';
import type { ApiClient, ApiContract, MethodContract } from '../api.ts';
import { currentContext } from '../context.ts';
import { ContractViolationError, ModuleUnavailableError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { apiCallSpan } from '../telemetry/api-spans.ts';
import { currentTraceparent } from '../telemetry/trace-context.ts';
import type { InstancePool } from './instances.ts';
import type { ServiceTokens } from './service-tokens.ts';

export interface ResilienceOptions {
  timeoutMs: number;
  /** Extra attempts for idempotent methods (0: none). */
  retries: number;
  /** Consecutive failures that open the breaker. */
  breakerFailures: number;
  /** How long an open breaker waits before letting one call through to test the module. */
  halfOpenAfterMs: number;
}

/** A failure worth retrying and counting against the breaker: the module did not answer, or answered 5xx. */
class TransientRemoteError extends Error {
  override name = 'TransientRemoteError';
}

const transient = handleWhen((err) => err instanceof TransientRemoteError || err instanceof TaskCancelledError);
const STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export const INTERNAL_PREFIX = '/internal';

/**
 * A module hosted in other processes: its public API as an HTTP client and its public routes as
 * a proxy, sharing one breaker, one timeout and one pool of instances. The caller gets the same
 * `ApiClient` type as for a local module; unreachable, timed-out and open-breaker calls all
 * surface as `ModuleUnavailableError`, which callers already handle.
 */
export class RemoteModule {
  readonly breaker: CircuitBreakerPolicy;
  private readonly once: IPolicy;
  private readonly retried: IPolicy;
  private readonly timeoutMs: number;

  constructor(
    readonly module: string,
    readonly pool: InstancePool,
    private readonly tokens: ServiceTokens,
    options: ResilienceOptions,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.breaker = circuitBreaker(transient, { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.breakerFailures) });
    this.breaker.onStateChange((state) => {
      const name = STATE_NAMES[state];
      metrics.breakerState.set({ module }, state);
      (state === CircuitState.Open ? logger.warn : logger.info).call(logger, { module, breaker: name }, `circuit breaker for ${module} is ${name}`);
    });
    metrics.breakerState.set({ module }, CircuitState.Closed);
    this.timeoutMs = options.timeoutMs;
    const perAttempt = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
    this.once = wrap(this.breaker, perAttempt);
    const backoff = new ExponentialBackoff({ initialDelay: 50, maxDelay: Math.max(100, options.timeoutMs / 2) });
    this.retried = wrap(retry(transient, { maxAttempts: options.retries, backoff }), this.breaker, perAttempt);
  }

  get breakerState(): string {
    return STATE_NAMES[this.breaker.state];
  }

  client<C extends ApiContract>(contract: C): ApiClient<C> {
    const client: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, method] of Object.entries(contract.methods)) client[name] = (input) => this.call(name, method, input);
    return client as ApiClient<C>;
  }

  /** Forwards a public HTTP request to an instance, under the same timeout and breaker as API calls. */
  async forward(request: Request, headers: Headers): Promise<Response> {
    // The timeout covers the wait for the answer's head; the body then streams on its own time
    // (a policy's signal would be aborted as soon as the policy returns, cutting the body off).
    // The request body is read first (the gateway's body limit bounds it), so a refused
    // connection can be retried on another instance without losing it.
    const body = request.body ? await request.arrayBuffer() : undefined;
    const url = new URL(request.url);
    return this.breaker.execute(async () => {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new TaskCancelledError(`${this.module} did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      let res: Response;
      try {
        res = await this.onAnInstance((base) => fetch(`${base}${url.pathname}${url.search}`, { method: request.method, headers, body, signal: abort.signal, redirect: 'manual' }), abort.signal);
      } finally {
        clearTimeout(timer);
      }
      // A 502 problem is the module's own answer (a call it made onward broke its contract): passed on as it is.
      const ownProblem = res.status === 502 && res.headers.get('content-type')?.startsWith('application/problem+json');
      if (res.status >= 502 && res.status <= 504 && !ownProblem) {
        await res.body?.cancel();
        throw new TransientRemoteError(`${this.module} answered ${res.status}`);
      }
      return res;
    });
  }

  /**
   * Runs one request on an instance. A refused connection means the request was never taken:
   * that instance leaves the rotation and the next one gets the same request, whatever the
   * method's idempotency, until every known instance was tried.
   */
  private async onAnInstance(send: (base: string) => Promise<Response>, signal: AbortSignal): Promise<Response> {
    const tried = new Set<string>();
    for (;;) {
      const base = this.pool.pick(tried);
      if (!base) throw new TransientRemoteError(tried.size === 0 ? `no instance of ${this.module} is known` : `no instance of ${this.module} answered (${[...tried].join(', ')})`);
      tried.add(base);
      try {
        return await send(base);
      } catch (err) {
        if (signal.aborted) throw new TaskCancelledError(`${this.module} did not answer in time`);
        this.pool.markDown(base);
        if (!neverReached(err)) throw new TransientRemoteError(`${this.module} did not answer: ${(err as Error).message}`);
      }
    }
  }

  private call(name: string, method: MethodContract, input: unknown): Promise<unknown> {
    return apiCallSpan(this.module, name, 'remote', () => this.callOnce(name, method, input));
  }

  private async callOnce(name: string, method: MethodContract, input: unknown): Promise<unknown> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      // The caller's side of the contract is checked here, as a local call would be.
      const body = JSON.stringify(method.input.parse(input));
      const answer = await this.attempt(name, method, body);
      const parsed = method.output.safeParse(answer);
      if (!parsed.success) throw violation(this.module, name, 'output', parsed.error);
      return parsed.data;
    } catch (err) {
      if (err instanceof ContractViolationError) {
        outcome = 'contract_violation';
        throw err;
      }
      if (!(err instanceof TransientRemoteError || err instanceof BrokenCircuitError || err instanceof TaskCancelledError || err instanceof RemoteRefusedError)) throw err;
      outcome = err instanceof BrokenCircuitError ? 'breaker_open' : 'unavailable';
      if (method.fallback) {
        outcome = 'fallback';
        return method.output.parse(method.fallback(method.input.parse(input)));
      }
      throw new ModuleUnavailableError(this.module, name, err);
    } finally {
      this.metrics.apiCalls.inc({ module: this.module, method: name, outcome });
      this.metrics.remoteCallDuration.observe({ module: this.module, method: name, outcome }, (performance.now() - started) / 1000);
    }
  }

  private attempt(name: string, method: MethodContract, body: string): Promise<unknown> {
    const policy = method.idempotent ? this.retried : this.once;
    return policy.execute(async ({ signal }) => {
      const context = currentContext();
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        authorization: `Bearer ${await this.tokens.sign(this.module, context?.user)}`,
      };
      if (context?.requestId) headers['x-request-id'] = context.requestId;
      if (context?.correlationId) headers['x-correlation-id'] = context.correlationId;
      const traceparent = currentTraceparent();
      if (traceparent) headers['traceparent'] = traceparent;
      const res = await this.onAnInstance((base) => fetch(`${base}${INTERNAL_PREFIX}/${this.module}/${name}`, { method: 'POST', headers, body, signal }), signal);
      const text = await res.text();
      if (res.status === 200) return text === '' ? undefined : JSON.parse(text);
      const problem = safeJson(text) as RemoteProblem | undefined;
      const violated = contractViolation(this.module, name, res.status, problem);
      if (violated) throw violated;
      if (res.status >= 500) throw new TransientRemoteError(`${this.module}.${name} answered ${res.status}`);
      // 401/403/404: this deployment's processes disagree on keys or versions; loud, not retried.
      this.logger.error({ module: this.module, method: name, status: res.status, problem }, 'remote module refused the call');
      throw new RemoteRefusedError(`${this.module}.${name} refused the call with ${res.status}`);
    });
  }
}

function neverReached(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } })?.cause?.code;
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

class RemoteRefusedError extends Error {
  override name = 'RemoteRefusedError';
}

export function violation(module: string, method: string, side: 'input' | 'output', error: ZodError): ContractViolationError {
  return new ContractViolationError(
    module,
    method,
    side,
    error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

type FieldIssues = { field?: string; message?: string }[];
type RemoteProblem = { type?: string; errors?: FieldIssues; module?: string; method?: string; side?: string; violations?: FieldIssues };

/**
 * A problem saying the contract was broken: 400 when the remote refused this call's input, 502
 * when a call it made onward got an answer its contract refuses (the problem names that call).
 */
function contractViolation(module: string, method: string, status: number, problem: RemoteProblem | undefined): ContractViolationError | undefined {
  if (!problem?.type?.endsWith('/contract-violation')) return undefined;
  const issues = (list: FieldIssues | undefined) => (list ?? []).map((e) => ({ path: e.field ?? '', message: e.message ?? '' }));
  if (status === 400) return new ContractViolationError(module, method, 'input', issues(problem.errors));
  if (status === 502) {
    const side = problem.side === 'input' ? 'input' : 'output';
    return new ContractViolationError(problem.module ?? module, problem.method ?? method, side, issues(problem.violations));
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
