import type { EventBus } from '../bus/event-bus.ts';
import { describeContract, type ContractDocument } from '../contracts/describe.ts';
import type { Metrics } from '../metrics.ts';
import type { ModuleDefinition } from '../module.ts';

export interface Location {
  module: string;
  breaker: string;
  instances: { base: string; healthy: boolean }[];
}

/** Where the console's figures come from: the definitions, this process's bus and metrics, the remote modules. */
export interface ConsoleSources {
  modules: readonly ModuleDefinition[];
  hosted: ReadonlySet<string>;
  bus: EventBus;
  metrics: Metrics;
  locations: () => Location[];
}

type Runs = 'here' | 'remote' | 'nowhere';

function placement(s: ConsoleSources, name: string): { runs: Runs; breaker: string | null; instances: Location['instances'] } {
  if (s.hosted.has(name)) return { runs: 'here', breaker: null, instances: [] };
  const located = s.locations().find((l) => l.module === name);
  return located ? { runs: 'remote', breaker: located.breaker, instances: located.instances } : { runs: 'nowhere', breaker: null, instances: [] };
}

const publisherOf = (s: ConsoleSources, type: string) => s.modules.find((m) => m.publishes.some((e) => e.type === type))?.name ?? null;

/** The module graph as the definitions declare it, and where each module runs now. */
export function graph(s: ConsoleSources) {
  const modules = s.modules.map((m) => ({
    name: m.name,
    mountPath: m.mountPath ?? null,
    ...placement(s, m.name),
    api: Object.keys(m.provides?.methods ?? {}).sort(),
    requires: m.requires.map((r) => r.module),
    publishes: m.publishes.map((e) => e.type),
    subscriptions: Object.entries(m.subscribesTo).map(([name, e]) => ({ name, event: e.type })),
  }));
  const apiDependencies = s.modules.flatMap((m) => m.requires.map((r) => ({ from: m.name, to: r.module })));
  const eventFlows = s.modules.flatMap((m) =>
    Object.entries(m.subscribesTo).map(([subscription, e]) => ({ from: publisherOf(s, e.type) ?? e.source, to: m.name, event: e.type, subscription })),
  );
  return { modules, apiDependencies, eventFlows };
}

type Labelled = { labels: Record<string, string | number>; value: number; metricName?: string };

const sumBy = (values: readonly Labelled[], subscription: string, match: (l: Labelled['labels']) => boolean = () => true) =>
  values.filter((v) => v.labels['subscription'] === subscription && match(v.labels)).reduce((n, v) => n + v.value, 0);

/** A latency percentile from cumulative histogram buckets: the upper bound of the bucket that reaches it. */
function percentile(buckets: readonly { le: number; count: number }[], total: number, q: number): number | null {
  if (total === 0) return null;
  const bucket = buckets.find((b) => b.count >= total * q);
  return bucket && Number.isFinite(bucket.le) ? bucket.le * 1000 : null;
}

export interface ModuleDetail {
  name: string;
  runs: Runs;
  breaker: string | null;
  instances: Location['instances'];
  contract: ContractDocument;
  outbox: { undispatched: number; oldestAgeSeconds: number } | null;
  subscriptions: {
    name: string;
    event: string;
    from: string | null;
    handled: number;
    duplicates: number;
    failed: number;
    deadLettered: number;
    latency: { count: number; meanMs: number | null; p50Ms: number | null; p95Ms: number | null };
  }[];
  gauges: { name: string; labels: Record<string, string>; value: number }[];
}

/** One module's contract, outbox and subscriptions, counted by this process since it started. */
export async function moduleDetail(s: ConsoleSources, def: ModuleDefinition): Promise<ModuleDetail> {
  const here = s.hosted.has(def.name);
  const [lag, handled, failed, dead, latency] = await Promise.all([
    here ? s.bus.outboxLag() : Promise.resolve({} as Record<string, { undispatched: number; oldestAgeSeconds: number }>),
    s.metrics.eventsHandled.get(),
    s.metrics.handlerFailures.get(),
    s.metrics.deadLettered.get(),
    s.metrics.eventLatency.get(),
  ]);
  const subscriptions = Object.entries(def.subscribesTo).map(([name, e]) => {
    const mine = (latency.values as Labelled[]).filter((v) => v.labels['subscription'] === name);
    const count = mine.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const sum = mine.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    const buckets = mine
      .filter((v) => v.metricName?.endsWith('_bucket'))
      .map((v) => ({ le: v.labels['le'] === '+Inf' ? Infinity : Number(v.labels['le']), count: v.value }))
      .sort((a, b) => a.le - b.le);
    return {
      name,
      event: e.type,
      from: publisherOf(s, e.type),
      handled: sumBy(handled.values, name, (l) => l['outcome'] === 'handled'),
      duplicates: sumBy(handled.values, name, (l) => l['outcome'] === 'duplicate'),
      failed: sumBy(failed.values, name),
      deadLettered: sumBy(dead.values, name),
      latency: { count, meanMs: count > 0 ? (sum / count) * 1000 : null, p50Ms: percentile(buckets, count, 0.5), p95Ms: percentile(buckets, count, 0.95) },
    };
  });
  return {
    name: def.name,
    ...placement(s, def.name),
    contract: describeContract(def.name, def.provides, def.publishes),
    outbox: here ? (lag[def.name] ?? { undispatched: 0, oldestAgeSeconds: 0 }) : null,
    subscriptions,
    gauges: here ? await moduleGauges(s.metrics, def.name) : [],
  };
}

/** The gauges a module registered (named `<module>_…`), sampled now. */
async function moduleGauges(metrics: Metrics, module: string): Promise<ModuleDetail['gauges']> {
  await metrics.sample();
  const all = await metrics.registry.getMetricsAsJSON();
  return all
    .filter((m) => m.name.startsWith(`${module.replace(/-/g, '_')}_`) && String(m.type) === 'gauge')
    .flatMap((m) => m.values.map((v) => ({ name: m.name, labels: Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, String(l)])), value: v.value })));
}

/**
 * Saga steps owed and retrying, from the gauges modules publish for them (`<module>_saga_steps`
 * by `state`): the console reads what a module reports, never its tables.
 */
export async function sagaSteps(s: ConsoleSources): Promise<{ module: string; metric: string; state: string; count: number }[]> {
  await s.metrics.sample();
  const all = await s.metrics.registry.getMetricsAsJSON();
  return all
    .filter((m) => String(m.type) === 'gauge' && m.name.endsWith('_saga_steps'))
    .flatMap((m) => m.values.map((v) => ({ module: m.name.slice(0, -'_saga_steps'.length), metric: m.name, state: String(v.labels['state'] ?? ''), count: v.value })));
}
