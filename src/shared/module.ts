import type { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import type { ApiClient, ApiContract, ApiImplementation } from './api.ts';
import type { KernelConfig, SettingsSchema } from './config.ts';
import type { Db, Tx } from './db/database.ts';
import type { EventContract } from './bus/contract.ts';
import type { Publish, Subscription } from './bus/subscription.ts';
import type { BusTables } from './bus/tables.ts';
import type { AppEnv } from './http/app-env.ts';
import type { TokenIssuer } from './auth/tokens.ts';
import type { Logger } from './logger.ts';

/**
 * The subscriptions a module declares, by name: `{ 'storefront.count-rating': ReviewPosted }`.
 * The name is stable (it names the queue and the inbox rows); declaring them in the definition lets
 * a process that does not host the module still route its events to it.
 */
export type Subscriptions = Readonly<Record<string, EventContract>>;

/** One handler per declared subscription, checked by the compiler against the declaration. */
export type Handlers<E extends Subscriptions> = { readonly [K in keyof E]: Subscription<E[K]>['handle'] };

/** One transaction with an outbox-bound `publish`: how a use case commits its effects and events together. */
export type UnitOfWork = <T>(work: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;

/**
 * Everything the kernel hands a module. A module reaches the outside world only through this:
 * its own database handle, its outbox, and the public API clients of the modules it requires.
 */
export interface ModuleContext<S extends SettingsSchema = SettingsSchema> {
  readonly name: string;
  /** The kernel's settings and this module's own; no other module's. */
  readonly config: Readonly<KernelConfig & z.output<S>>;
  readonly logger: Logger;
  readonly db: Db;
  readonly databaseKind: 'pglite' | 'postgres';
  /** One transaction with an outbox-bound `publish`; the relay wakes after commit. */
  readonly unitOfWork: UnitOfWork;
  /** A required module's public API (local or remote: the caller cannot tell). */
  api<C extends ApiContract>(contract: C): ApiClient<C>;
  /** Signs access tokens; present only for a module whose definition declares `issuesTokens`. */
  readonly tokens?: TokenIssuer;
  /** Creates a router whose validation errors render as problems; mount it through `routes`. */
  router(): OpenAPIHono<AppEnv>;
  /**
   * A Prometheus gauge of the module's own, read at each scrape: `name` starts with the module's
   * name and ends with its unit (`ordering_saga_steps`); `label` names the key of a record answer.
   */
  gauge(spec: { name: string; help: string; label?: string; sample: () => Promise<number | Record<string, number>> }): void;
}

export interface ModuleInstance<C extends ApiContract = ApiContract, E extends Subscriptions = Subscriptions> {
  api?: ApiImplementation<C>;
  /** Its public routes, mounted at the definition's `mountPath`. */
  routes?: OpenAPIHono<AppEnv>;
  /** Request body limits in bytes for paths under a prefix, where the gateway's default does not fit. */
  bodyLimits?: Record<string, number>;
  /** A handler for each subscription its definition declares in `subscribesTo`. */
  handlers?: Handlers<E>;
  /** Runs after migrations, once every module is set up and the bus is running. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Background jobs report here; a failing check makes /health/ready answer 503. */
  health?(): Promise<{ ok: boolean; detail?: string }>;
}

export interface ModuleDefinition<C extends ApiContract = ApiContract, S extends SettingsSchema = SettingsSchema, E extends Subscriptions = Subscriptions> {
  readonly name: string;
  /**
   * Where its public routes live (`/api/orders`), declared up front so that a process that does
   * not host the module can route those paths to an instance that does.
   */
  readonly mountPath?: string;
  /** Its own settings (environment variable names with zod rules), validated with the kernel's at start-up. */
  readonly settings?: S;
  /** The module that signs access tokens; the kernel hands the signing capability to it alone. */
  readonly issuesTokens?: boolean;
  /** Folder of its drizzle-kit migrations; `<migrationsRoot>/<name>` when absent. */
  readonly migrations?: string;
  /** Its Postgres schema's tables, including the outbox and inbox. */
  readonly tables: BusTables;
  /** Public API contract it implements, if any. */
  readonly provides?: C;
  /** Public API contracts of other modules it calls. */
  readonly requires: readonly ApiContract[];
  readonly publishes: readonly EventContract[];
  /** Its subscriptions by name, declared up front so the kernel can verify the graph and route events before start. */
  readonly subscribesTo: E;
  /**
   * Set for a module that left this codebase (`npm run extract -- <m> --apply`): only its public
   * declaration is here, so it can be called, routed to and subscribed for, never hosted.
   */
  readonly hostedElsewhere?: true;
  setup(ctx: ModuleContext<S>): ModuleInstance<C, E> | Promise<ModuleInstance<C, E>>;
}

export function defineModule<
  C extends ApiContract,
  S extends SettingsSchema = z.ZodObject<Record<never, z.ZodType>>,
  E extends Subscriptions = Record<never, EventContract>,
>(definition: ModuleDefinition<C, S, E>): ModuleDefinition<C, S, E> {
  return definition;
}

/** The event contracts a module subscribes to, one per subscription. */
export const subscribedEvents = (m: { subscribesTo: Subscriptions }): EventContract[] => Object.values(m.subscribesTo);

/** What a process needs to know of a module that runs as its own service: everything but its implementation. */
export type RemoteDeclaration<C extends ApiContract = ApiContract, E extends Subscriptions = Subscriptions> = Pick<
  ModuleDefinition<C, SettingsSchema, E>,
  'name' | 'mountPath' | 'provides' | 'requires' | 'publishes' | 'subscribesTo'
>;

/**
 * A module known here only by its public declaration. Its tables and setup live in its own
 * service; reaching for them is a topology mistake, so they fail loudly instead of half-working.
 */
export function remoteModule<C extends ApiContract, E extends Subscriptions>(declaration: RemoteDeclaration<C, E>): ModuleDefinition<C, SettingsSchema, E> {
  const elsewhere = () => new Error(`${declaration.name} runs as its own service; this codebase holds only its public declaration`);
  return {
    ...declaration,
    hostedElsewhere: true,
    get tables(): BusTables {
      throw elsewhere();
    },
    setup() {
      throw elsewhere();
    },
  };
}
