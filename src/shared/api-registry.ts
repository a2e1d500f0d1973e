import { localClient, type ApiClient, type ApiContract, type ApiImplementation, type Fault } from './api.ts';
import type { Metrics } from './metrics.ts';
import type { RemoteModule } from './remote/remote-module.ts';

/**
 * Resolves a public API contract to a client. Modules hosted in this process register their
 * implementation; a caller gets the same `ApiClient` type whichever way the call travels, so this
 * is the one place where a module living elsewhere gets a remote client instead.
 */
export class ApiRegistry {
  private readonly implementations = new Map<string, { contract: ApiContract; implementation: ApiImplementation<ApiContract> }>();
  private readonly remotes = new Map<string, RemoteModule>();
  private readonly faults = new Map<string, Fault>();
  private readonly clients = new Map<string, unknown>();

  constructor(private readonly metrics: Metrics) {}

  /** The implementation of a module hosted here. */
  provide(contract: ApiContract, implementation: ApiImplementation<ApiContract>): void {
    if (this.implementations.has(contract.module)) throw new Error(`The ${contract.module} API is provided twice`);
    this.implementations.set(contract.module, { contract, implementation });
  }

  /** A module hosted elsewhere: its clients call over HTTP. */
  locate(remote: RemoteModule): void {
    this.remotes.set(remote.module, remote);
  }

  /** The contract of a module hosted here, for its internal routes; undefined for any other. */
  hosted(module: string): ApiContract | undefined {
    return this.implementations.get(module)?.contract;
  }

  /**
   * A client of the contract's module. It binds on first call: modules are set up in order, and a
   * module may take a client of one set up after it.
   */
  client<C extends ApiContract>(contract: C): ApiClient<C> {
    const cached = this.clients.get(contract.module) as ApiClient<C> | undefined;
    if (cached) return cached;
    let bound: Record<string, (input: unknown) => Promise<unknown>> | undefined;
    const lazy: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const method of Object.keys(contract.methods)) {
      lazy[method] = (input) => {
        bound ??= this.bind(contract) as Record<string, (input: unknown) => Promise<unknown>>;
        return bound[method]!(input);
      };
    }
    this.clients.set(contract.module, lazy);
    return lazy as ApiClient<C>;
  }

  /** Makes a module's API fail as if it were unreachable (tests, chaos drills); `undefined` heals it. */
  injectFault(module: string, fault: Fault | undefined): void {
    if (fault) this.faults.set(module, fault);
    else this.faults.delete(module);
  }

  private bind<C extends ApiContract>(contract: C): ApiClient<C> {
    const local = this.implementations.get(contract.module);
    if (local) return localClient(contract, local.implementation as ApiImplementation<C>, this.metrics, () => this.faults.get(contract.module));
    const remote = this.remotes.get(contract.module);
    if (remote) return remote.client(contract);
    throw new Error(`The ${contract.module} API is neither hosted in this process nor located elsewhere`);
  }
}
