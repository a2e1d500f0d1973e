import { partOf, type DocumentPart } from '../http/document-parts.ts';
import type { Logger } from '../logger.ts';
import { requestAnInstance } from './instance-request.ts';
import type { RemoteModule } from './remote-module.ts';

export interface RemoteParts {
  parts: DocumentPart[];
  /** Remote modules whose document could not be fetched: their operations are missing. */
  unreachable: string[];
}

/**
 * The OpenAPI operations of the modules hosted elsewhere, from the documents their own processes
 * serve (public, like every `/openapi.json`). A fetched part is kept for `ttlMs`; a missing or
 * failed one is asked for again on the next request, so a remote that comes up later appears
 * then. Concurrent requests share one fetch per module.
 */
export class RemoteDocuments {
  private readonly cached = new Map<string, { part: DocumentPart; until: number }>();
  private readonly pending = new Map<string, Promise<DocumentPart | undefined>>();

  constructor(
    private readonly remotes: readonly { module: RemoteModule; mountPath: string }[],
    private readonly options: { timeoutMs: number; ttlMs: number },
    private readonly logger: Logger,
  ) {}

  async parts(): Promise<RemoteParts> {
    const found = await Promise.all(this.remotes.map(async (r) => [r.module.module, await this.partFor(r)] as const));
    return {
      parts: found.flatMap(([, part]) => (part ? [part] : [])),
      unreachable: found.filter(([, part]) => !part).map(([module]) => module),
    };
  }

  private partFor(remote: { module: RemoteModule; mountPath: string }): Promise<DocumentPart | undefined> {
    const name = remote.module.module;
    const hit = this.cached.get(name);
    if (hit && hit.until > Date.now()) return Promise.resolve(hit.part);
    let fetching = this.pending.get(name);
    if (!fetching) {
      fetching = this.fetchPart(remote).finally(() => this.pending.delete(name));
      this.pending.set(name, fetching);
    }
    return fetching;
  }

  private async fetchPart({ module, mountPath }: { module: RemoteModule; mountPath: string }): Promise<DocumentPart | undefined> {
    try {
      const res = await requestAnInstance(module.pool, '/openapi.json', { method: 'GET', headers: { accept: 'application/json' } }, this.options.timeoutMs);
      if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
      const part = partOf(module.module, mountPath, (await res.json()) as Record<string, unknown>);
      if (Object.keys(part.paths).length === 0) throw new Error(`its document has no operation under ${mountPath}`);
      this.cached.set(module.module, { part, until: Date.now() + this.options.ttlMs });
      return part;
    } catch (err) {
      this.cached.delete(module.module);
      this.logger.warn({ err, module: module.module }, `the OpenAPI document lacks ${module.module}'s operations: its document could not be fetched`);
      return undefined;
    }
  }
}
