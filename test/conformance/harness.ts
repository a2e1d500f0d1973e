import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MIGRATIONS_ROOT, OPERATOR_ROLE } from '../../src/app.ts';
import type { Envelope } from '../../src/shared/bus/contract.ts';
import type { Config } from '../../src/shared/config.ts';
import { createKernel, type Kernel } from '../../src/shared/kernel.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { createProbeModule, type ProbeControl } from '../fixtures/probe/module.ts';
import { freshDatabase } from '../support/database.ts';
import { httpClient, testConfig, type Http } from '../support/test-app.ts';
import { moduleNamed } from '../support/modules.ts';

const identityModule = moduleNamed('identity');

export interface Effect {
  eventId: string;
  subscription: string;
  n: number;
  handledBy: string;
}

/**
 * A database that outlives one kernel, so a test can stop an app and start another on the same
 * data: a fresh Postgres database when DATABASE_URL is set, a PGlite data folder otherwise.
 */
export async function durableDatabase(): Promise<{ config: Partial<Config>; drop(): Promise<void> }> {
  const db = await freshDatabase();
  if (db.url) return { config: { DATABASE_URL: db.url }, drop: () => db.drop() };
  const dir = mkdtempSync(join(tmpdir(), 'cafe-conformance-'));
  return { config: { DATA_DIR: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ProbeApp {
  kernel: Kernel;
  http: Http;
  control: ProbeControl;
  stop(): Promise<void>;
}

/** Boots identity + a fresh probe module on an existing database. */
export async function bootProbeApp(config: Partial<Config>, instance: string): Promise<ProbeApp> {
  const probe = createProbeModule(instance);
  const kernel = await createKernel({ config: testConfig(config), modules: [identityModule, probe.module], migrationsRoot: MIGRATIONS_ROOT, operatorRole: OPERATOR_ROLE });
  // The probe's routes are a test fixture, outside the document.
  return { kernel, http: httpClient(kernel, { undocumented: ['/api/probe'] }), control: probe.control, stop: () => kernel.stop() };
}

export async function ping(http: Http, body: Record<string, unknown>): Promise<string[]> {
  const res = await http.post('/api/probe/pings', body);
  if (res.status !== 201) throw new Error(`ping failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.eventIds;
}

export async function effects(http: Http, n?: number): Promise<Effect[]> {
  const res = await http.get(`/api/probe/effects${n === undefined ? '' : `?n=${n}`}`);
  if (res.status !== 200) throw new Error(`effects failed: ${res.status}`);
  return res.body;
}

/** Waits until the relay has nothing left and the transport has no unfinished work. */
export async function settled(kernel: Kernel, within = 10_000): Promise<void> {
  const transport = kernel.bus.transport as { pending?: () => Promise<number> };
  await eventually(
    async () => {
      const backlog = Object.values(await kernel.bus.backlog()).reduce((a, b) => a + b, 0);
      return backlog + ((await transport.pending?.()) ?? 0);
    },
    (left) => left === 0,
    { within, interval: 50 },
  );
}

/** Every (event, subscription) pair handled exactly once: the list of pairs seen more than once. */
export function duplicates(rows: readonly Effect[]): string[] {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(`${r.eventId}/${r.subscription}`, (seen.get(`${r.eventId}/${r.subscription}`) ?? 0) + 1);
  return [...seen].filter(([, c]) => c > 1).map(([k]) => k);
}

/** Envelopes the probe published, from the outbox history. */
export async function probeEnvelope(kernel: Kernel, eventId: string): Promise<Envelope> {
  const found = (await kernel.bus.history(['probe.pinged'])).find((e) => e.id === eventId);
  if (!found) throw new Error(`no outbox row for ${eventId}`);
  return found;
}

export const redisUrl = () => process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A Redis key prefix no other run uses; `dropPrefix` removes its keys afterwards. */
export function uniquePrefix(label: string): string {
  return `cafe-${label}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Best effort: a leftover namespace harms nobody.
  } finally {
    redis.disconnect();
  }
}
