import { createServer } from 'node:net';
import { developmentKeys, planServices } from '../../scripts/services.ts';
import { freshDatabase } from '../support/database.ts';
import { startProcess, type AppProcess } from '../multi-instance/processes.ts';

/** Ports free right now, for processes that must know each other's address before they start. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export type ServiceName = 'gateway' | 'payments' | 'fulfillment';

export interface ServicesOptions {
  extra?: Record<string, string>;
  secondPayments?: boolean;
  /** A service's entry point other than src/main.ts (a fixture of another version), and its own settings. */
  variants?: Partial<Record<ServiceName, { entry?: string; env?: Record<string, string> }>>;
}

export interface Services {
  gateway: AppProcess;
  payments: AppProcess;
  fulfillment: AppProcess;
  secondPayments?: AppProcess;
  ports: { gateway: number; payments: number; fulfillment: number; secondPayments: number };
  /** Starts one more process of a planned service (a second payments instance, or a restart). */
  start(name: ServiceName, overrides?: Record<string, string>): Promise<AppProcess>;
  stop(): Promise<void>;
}

/** Fast retries so the tests watch a breaker open and close in seconds, not minutes. */
export const FAST = {
  SAGA_POLL_MS: '100',
  SAGA_RETRY_MS: '100',
  SAGA_RETRY_MAX_MS: '500',
  REMOTE_TIMEOUT_MS: '1000',
  REMOTE_BREAKER_FAILURES: '3',
  REMOTE_BREAKER_HALF_OPEN_MS: '500',
  REMOTE_HEALTH_INTERVAL_MS: '300',
};

/**
 * The café as services, exactly as `npm run start:services` plans it: three real `node`
 * children from the same sources, each on a database of its own, meeting on one Redis.
 */
export async function startServices(options: ServicesOptions = {}): Promise<Services> {
  const dbs = await Promise.all([freshDatabase(), freshDatabase(), freshDatabase()]);
  const [g, p, f, p2] = await freePorts(4);
  const keys = await developmentKeys();
  const plan = planServices(
    {
      port: g!,
      ports: { gateway: g!, payments: p!, fulfillment: f! },
      databases: { gateway: dbs[0]!.url!, payments: dbs[1]!.url!, fulfillment: dbs[2]!.url! },
      redisUrl: process.env['REDIS_URL']!,
      prefix: `svc-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      extra: {
        ...FAST,
        SEED_DEMO_MENU: 'false',
        LOG_LEVEL: 'info',
        // A private network of test services: operations endpoints open, sign-up limits out of the way.
        OPERATIONS_PUBLIC: 'true',
        AUTH_RATE_LIMIT_PER_IP: '1000000',
        AUTH_RATE_LIMIT_PER_ACCOUNT: '1000',
        AUTH_RATE_LIMIT_KEY_PREFIX: `svc-rl-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
        ...options.extra,
      },
    },
    keys,
  );
  const byName = new Map(plan.map((s) => [s.name, s]));
  const running: AppProcess[] = [];
  const start = async (name: ServiceName, overrides: Record<string, string> = {}) => {
    const service = byName.get(name)!;
    const variant = options.variants?.[name];
    const child = await startProcess(name, { ...service.env, ...variant?.env, ...overrides }, variant?.entry ?? 'src/main.ts');
    running.push(child);
    return child;
  };
  try {
    const [payments, fulfillment, secondPayments] = await Promise.all([
      start('payments'),
      start('fulfillment'),
      options.secondPayments ? start('payments', { PORT: String(p2) }) : undefined,
    ]);
    const both = `http://127.0.0.1:${p},http://127.0.0.1:${p2}`;
    const gateway = await start('gateway', secondPayments ? { SERVICE_PAYMENTS_URLS: both } : {});
    return {
      gateway,
      payments,
      fulfillment,
      secondPayments,
      ports: { gateway: g!, payments: p!, fulfillment: f!, secondPayments: p2! },
      start,
      async stop() {
        await Promise.all(running.map((r) => r.stop()));
        await Promise.all(dbs.map((d) => d.drop()));
      },
    };
  } catch (err) {
    await Promise.all(running.map((r) => r.kill()));
    await Promise.all(dbs.map((d) => d.drop()));
    throw err;
  }
}
