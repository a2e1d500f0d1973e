/**
 * identity's refusals. Use cases throw these; only identity's HTTP adapter turns them into
 * problems, so the application layer never speaks HTTP.
 */
export type RefusalKind =
  | 'email-taken'
  | 'invalid-credentials'
  | 'invalid-refresh-token'
  | 'account-missing';

export class IdentityRefusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityRefusal';
  }
}

/** Every hashing worker is busy and the wait queue is full: come back after `retryAfterSeconds`. */
export class HashingBusy extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('password hashing is at capacity');
    this.name = 'HashingBusy';
  }
}

/** The configured admin email belongs to an account that is not an admin. */
export class AdminBootstrapRefused extends Error {
  override name = 'AdminBootstrapRefused';
}
