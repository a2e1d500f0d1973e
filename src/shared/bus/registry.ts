import type { Db } from '../db/database.ts';
import type { EventContract } from './contract.ts';
import type { Subscription } from './subscription.ts';
import type { BusTables } from './tables.ts';

/** A module as the bus sees it: where its outbox and inbox live and what it may publish. */
export interface ModuleBus {
  module: string;
  db: Db;
  tables: BusTables;
  publishes: Map<string, EventContract>;
}

/** A subscription with the module whose inbox and transaction it runs in. */
export interface SubscriptionRuntime {
  module: ModuleBus;
  subscription: Subscription;
}

/**
 * Which modules and subscriptions this process hosts. The kernel fills it before the bus
 * starts; every other part of the bus only reads it.
 */
export class Registry {
  private readonly byModule = new Map<string, ModuleBus>();
  private readonly byName = new Map<string, SubscriptionRuntime>();
  private readonly byType = new Map<string, string[]>();

  registerModule(module: string, db: Db, tables: BusTables, publishes: readonly EventContract[]): void {
    this.byModule.set(module, { module, db, tables, publishes: new Map(publishes.map((e) => [e.type, e])) });
  }

  addSubscription(module: string, subscription: Subscription): void {
    const owner = this.module(module);
    if (this.byName.has(subscription.name)) throw new Error(`Duplicate subscription name ${subscription.name}`);
    this.byName.set(subscription.name, { module: owner, subscription });
    const list = this.byType.get(subscription.event.type) ?? [];
    list.push(subscription.name);
    this.byType.set(subscription.event.type, list);
  }

  /**
   * A subscription of a module hosted in another process: events published here are dispatched
   * to it (its queue), but this process never consumes it.
   */
  addRemoteSubscription(subscription: string, eventType: string): void {
    if (this.byName.has(subscription)) throw new Error(`Subscription ${subscription} is hosted here; it cannot also be remote`);
    const list = this.byType.get(eventType) ?? [];
    if (!list.includes(subscription)) list.push(subscription);
    this.byType.set(eventType, list);
  }

  module(name: string): ModuleBus {
    const owner = this.byModule.get(name);
    if (!owner) throw new Error(`Module ${name} is not registered with the bus`);
    return owner;
  }

  subscription(name: string): SubscriptionRuntime {
    const runtime = this.byName.get(name);
    if (!runtime) throw new Error(`Unknown subscription ${name}`);
    return runtime;
  }

  subscriptionNames(): string[] {
    return [...this.byName.keys()];
  }

  subscriptionsFor(eventType: string): readonly string[] {
    return this.byType.get(eventType) ?? [];
  }

  subscriptionsOf(module: string): { name: string; type: string }[] {
    return [...this.byName].filter(([, r]) => r.module.module === module).map(([name, r]) => ({ name, type: r.subscription.event.type }));
  }

  modules(): ModuleBus[] {
    return [...this.byModule.values()];
  }

  /** Modules with an outbox worth relaying, counting and pruning. */
  publishers(): ModuleBus[] {
    return this.modules().filter((m) => m.publishes.size > 0);
  }

  /** Modules whose inbox may hold dead letters. */
  subscribers(): ModuleBus[] {
    return [...new Set([...this.byName.values()].map((r) => r.module))];
  }
}
