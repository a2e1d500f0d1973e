import type { Config } from './config.ts';
import { ConfigError } from './config.ts';
import { subscribedEvents, type ModuleDefinition } from './module.ts';

/** Which modules this process hosts and where it finds the ones it needs from elsewhere. */
export interface Topology {
  hosted: readonly ModuleDefinition[];
  /** Modules hosted elsewhere with their instances' base URLs (or DNS names standing for every instance). */
  remote: readonly { definition: ModuleDefinition; urls: readonly string[] }[];
}

/** `SERVICE_PAYMENTS_URLS`, `SERVICE_ORDER_HISTORY_URLS`: where a module's instances are. */
export const serviceUrlsVariable = (module: string) => `SERVICE_${module.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URLS`;

/**
 * Reads the topology from configuration (`MODULES`, `SERVICE_<MODULE>_URLS`) and refuses one that
 * cannot work, saying what to set: a needed module hosted nowhere known, or events that would have
 * to cross processes on a transport that stays inside one.
 */
export function planTopology(modules: readonly ModuleDefinition[], config: Config): Topology {
  const known = new Map(modules.map((m) => [m.name, m]));
  const problems: string[] = [];
  const listed = config.MODULES;
  if (listed) for (const name of listed) if (!known.has(name)) problems.push(`MODULES names "${name}", which is not a module (known: ${[...known.keys()].join(', ')})`);
  const elsewhere = new Set(modules.filter((m) => m.hostedElsewhere).map((m) => m.name));
  if (listed) for (const name of listed) if (elsewhere.has(name)) problems.push(`MODULES names "${name}", which was extracted and runs as its own service: remove it from MODULES and set ${serviceUrlsVariable(name)}`);
  const hostable = [...known.keys()].filter((n) => !elsewhere.has(n));
  const hostedNames = new Set(listed ? listed.filter((n) => known.has(n) && !elsewhere.has(n)) : hostable);
  const hosted = modules.filter((m) => hostedNames.has(m.name));

  const remote: Topology['remote'][number][] = [];
  for (const m of modules) {
    if (hostedNames.has(m.name)) continue;
    const raw = config.env[serviceUrlsVariable(m.name)];
    const urls = typeof raw === 'string' ? raw.split(',').map((u) => u.trim()).filter(Boolean) : [];
    for (const u of urls) {
      try {
        const parsed = new URL(u);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
      } catch {
        problems.push(`${serviceUrlsVariable(m.name)}: "${u}" is not an http(s) URL`);
      }
    }
    if (urls.length > 0) remote.push({ definition: m, urls });
  }
  const located = new Set(remote.map((r) => r.definition.name));

  for (const m of hosted) {
    for (const r of m.requires) {
      if (!hostedNames.has(r.module) && !located.has(r.module)) {
        problems.push(`${m.name} calls the ${r.module} API, which this process does not host: set ${serviceUrlsVariable(r.module)} to its instances, or add ${r.module} to MODULES`);
      }
    }
  }

  if (hostedNames.size < known.size && config.EVENT_TRANSPORT === 'inprocess') {
    const publisherOf = new Map<string, string>();
    for (const m of modules) for (const e of m.publishes) publisherOf.set(e.type, m.name);
    for (const m of modules) {
      for (const e of subscribedEvents(m)) {
        const publisher = publisherOf.get(e.type);
        if (!publisher || hostedNames.has(publisher) === hostedNames.has(m.name)) continue;
        problems.push(
          `${m.name} subscribes to ${e.type} from ${publisher}, and only one of them runs in this process: the in-process transport cannot carry events between processes; set EVENT_TRANSPORT=bullmq and REDIS_URL`,
        );
      }
    }
  }
  if ((listed || elsewhere.size > 0) && !hosted.some((m) => m.issuesTokens) && !config.JWT_JWKS_URL && !config.JWT_PRIVATE_KEY) {
    problems.push('no module hosted here issues access tokens: set JWT_JWKS_URL to the token issuer\'s /.well-known/jwks.json (or share its JWT_PRIVATE_KEY)');
  }
  if (hosted.length === 0 && problems.length === 0) problems.push('MODULES names no module to host');
  if (problems.length > 0) throw new ConfigError(`Impossible topology:\n  ${problems.join('\n  ')}`);
  return { hosted, remote };
}
