import { lookup } from 'node:dns/promises';
import type { Logger } from '../logger.ts';

export interface InstancePoolOptions {
  /** Base URLs (`http://a:3001`); a URL whose host is a DNS name stands for every address it resolves to. */
  urls: readonly string[];
  healthIntervalMs: number;
  dnsRefreshMs: number;
  /** Resolves a host name to all its addresses (a Kubernetes headless Service answers one per pod). */
  resolve?: (host: string) => Promise<string[]>;
  /** Answers whether an instance is alive; `GET <base>/health/live` by default. */
  probe?: (base: string) => Promise<boolean>;
}

interface Instance {
  base: string;
  healthy: boolean;
}

const isAddress = (host: string) => /^[\d.]+$/.test(host) || host.startsWith('[') || host === 'localhost';

const defaultResolve = async (host: string) => (await lookup(host, { all: true })).map((a) => (a.family === 6 ? `[${a.address}]` : a.address));

async function defaultProbe(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/health/live`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The instances of one remote module and client-side round-robin over those that answer. An
 * instance that fails a call or a health probe is taken out; the periodic probe puts it back
 * when it answers again. DNS names are re-resolved, so instances may come and go without a
 * registry product: a headless Service is enough.
 */
export class InstancePool {
  private instances: Instance[] = [];
  private next = 0;
  private timers: ReturnType<typeof setInterval>[] = [];
  private readonly resolve: (host: string) => Promise<string[]>;
  private readonly probe: (base: string) => Promise<boolean>;

  constructor(
    readonly module: string,
    private readonly options: InstancePoolOptions,
    private readonly logger: Logger,
  ) {
    this.resolve = options.resolve ?? defaultResolve;
    this.probe = options.probe ?? defaultProbe;
  }

  async start(): Promise<void> {
    await this.refresh();
    await this.checkHealth();
    this.timers.push(setInterval(() => void this.checkHealth(), this.options.healthIntervalMs));
    if (this.options.urls.some((u) => !isAddress(new URL(u).hostname))) {
      this.timers.push(setInterval(() => void this.refresh(), this.options.dnsRefreshMs));
    }
    for (const t of this.timers) t.unref?.();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /**
   * The next healthy instance, round-robin, other than those already tried for this request; when
   * none is known healthy, any untried instance (the call decides).
   */
  pick(except: ReadonlySet<string> = new Set()): string | undefined {
    const untried = this.instances.filter((i) => !except.has(i.base));
    const healthy = untried.filter((i) => i.healthy);
    const from = healthy.length > 0 ? healthy : untried;
    if (from.length === 0) return undefined;
    const chosen = from[this.next++ % from.length]!;
    return chosen.base;
  }

  /** A call to this instance failed to connect or timed out: stop sending it traffic until a probe passes. */
  markDown(base: string): void {
    const instance = this.instances.find((i) => i.base === base);
    if (instance?.healthy) {
      instance.healthy = false;
      this.logger.warn({ module: this.module, instance: base }, 'remote instance taken out of rotation');
    }
  }

  snapshot(): { base: string; healthy: boolean }[] {
    return this.instances.map((i) => ({ ...i }));
  }

  private async refresh(): Promise<void> {
    const bases: string[] = [];
    for (const raw of this.options.urls) {
      const url = new URL(raw);
      if (isAddress(url.hostname)) {
        bases.push(url.origin);
        continue;
      }
      try {
        for (const address of await this.resolve(url.hostname)) bases.push(`${url.protocol}//${address}${url.port ? `:${url.port}` : ''}`);
      } catch (err) {
        this.logger.warn({ module: this.module, host: url.hostname, err }, 'could not resolve remote module instances; keeping the last known');
        bases.push(...this.instances.filter((i) => new URL(i.base).port === url.port).map((i) => i.base));
      }
    }
    const known = new Map(this.instances.map((i) => [i.base, i]));
    this.instances = [...new Set(bases)].map((base) => known.get(base) ?? { base, healthy: true });
  }

  private async checkHealth(): Promise<void> {
    await Promise.all(
      this.instances.map(async (i) => {
        const ok = await this.probe(i.base);
        if (ok !== i.healthy) this.logger.info({ module: this.module, instance: i.base, healthy: ok }, ok ? 'remote instance back in rotation' : 'remote instance failed its health probe');
        i.healthy = ok;
      }),
    );
  }
}
