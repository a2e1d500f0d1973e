import type { Commit, Publish } from '../../../shared/bus/subscription.ts';

/** One transaction with an outbox: what a use case writes and the events it publishes commit together. */
export type UnitOfWork = Commit;
export type { Publish };
