/**
 * The kernel as modules see it: everything a module may use, in one entry. Modules import the
 * kernel only from here (and `http/index.ts` for their HTTP adapters, `testing/index.ts` for
 * tests); the `architecture/kernel-entry` lint rule holds them to it, so the kernel's inner
 * files can move without touching a module, and an extracted service needs only what this lists.
 */
export { defineModule, remoteModule, type RemoteDeclaration, type ModuleContext, type ModuleDefinition, type ModuleInstance, type UnitOfWork } from './module.ts';
export { defineApi, type ApiClient, type ApiContract, type ApiImplementation, type MethodContract } from './api.ts';
export { defineEvent, type Envelope, type EventContract, type PayloadOf } from './bus/contract.ts';
export { subscribe, type Commit, type CommitOptions, type DeliveryContext, type Publish, type Subscription } from './bus/subscription.ts';
export { busTables, type BusTables } from './bus/tables.ts';
export { query, type Db, type Executor, type Tx } from './db/database.ts';
export { together } from './db/together.ts';
export { bool, positiveInt, type KernelConfig } from './config.ts';
export { ModuleUnavailableError } from './errors.ts';
export type { Principal, TokenIssuer } from './auth/tokens.ts';
export type { Logger } from './logger.ts';
export { ReadSnapshot } from './read-snapshot.ts';
export { carryTrace, continueTrace, continueTraces, type TraceCarrier } from './telemetry/trace-context.ts';
