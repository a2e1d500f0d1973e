/**
 * An error that maps to an RFC 9457 problem. Use cases throw these; the gateway renders them.
 * `type` is a stable slug clients can switch on.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'Problem';
  }
}

export const notFound = (what: string) => new Problem(404, 'not-found', `${what} not found`);
export const conflict = (detail: string, type = 'conflict') => new Problem(409, type, detail);
export const forbidden = (detail = 'You may not do this') => new Problem(403, 'forbidden', detail);
export const unauthorized = (detail = 'Authentication required') => new Problem(401, 'unauthorized', detail);
export const unprocessable = (detail: string, type = 'business-rule') => new Problem(422, type, detail);
export const unavailable = (detail: string, retryAfterSeconds = 5) =>
  new Problem(503, 'unavailable', detail, {}, { 'Retry-After': String(retryAfterSeconds) });

/** Thrown by a public API client when the module behind it cannot be reached. */
export class ModuleUnavailableError extends Error {
  constructor(readonly module: string, readonly method: string, cause?: unknown) {
    super(`${module}.${method} is unavailable`, { cause });
    this.name = 'ModuleUnavailableError';
  }
}

/**
 * A public API call whose input or answer the contract refuses: a deployment runs two versions
 * of a module that no longer agree. The message names the method and the field.
 */
export class ContractViolationError extends Error {
  constructor(readonly module: string, readonly method: string, readonly side: 'input' | 'output', readonly issues: readonly { path: string; message: string }[]) {
    super(`${module}.${method} ${side === 'input' ? 'was called with' : 'answered'} data its contract refuses: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'ContractViolationError';
  }
}
