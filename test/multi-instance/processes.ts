import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { eventually } from '../../src/shared/testing/scenario.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface AppProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
  request<T = any>(path: string, init?: { method?: string; body?: unknown; token?: string }): Promise<{ status: number; body: T }>;
  /** SIGTERM and wait: the graceful path. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown code runs at all. */
  kill(): Promise<void>;
}

/**
 * Spawns an app process and waits until it listens: test/multi-instance/server.ts (identity and
 * the probe fixture) by default, or the real composition root with `entry: 'src/main.ts'`.
 */
export async function startProcess(
  name: string,
  env: Record<string, string>,
  entry = 'test/multi-instance/server.ts',
  /** Another project's folder, or another runtime (`['deno', ['run', '--allow-all', 'src/main.ts']]`). */
  options: { cwd?: string; command?: [string, string[]] } = {},
): Promise<AppProcess> {
  const [command, args] = options.command ?? [process.execPath, ['--import', 'tsx', entry]];
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: {
      ...process.env,
      PORT: '0',
      // src/main.ts announces its port in an info line.
      LOG_LEVEL: entry === 'src/main.ts' || options.command ? 'info' : 'warn',
      PASSWORD_HASH_COST: '10',
      // Instances on a private network: readiness details open, sign-up limits out of the way.
      OPERATIONS_PUBLIC: 'true',
      AUTH_RATE_LIMIT_PER_IP: '1000000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '1000',
      // Small pools: a pool per module per process, and other test runs share this Postgres.
      DATABASE_POOL_SIZE: '2',
      ADMIN_EMAIL: 'admin@cafe.test',
      ADMIN_PASSWORD: 'admin-password',
      SEED_DEMO_MENU: 'false',
      BUS_BACKOFF_MS: '100',
      BUS_MAX_ATTEMPTS: '4',
      OUTBOX_POLL_MS: '200',
      PROBE_INSTANCE: name,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 90 s:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const m = /LISTENING (\d+)|"port":(\d+),[^\n]*listening on/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1] ?? m[2]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output.join('')}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    name,
    url,
    child,
    output,
    async request(path, init = {}) {
      const res = await fetch(url + path, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export async function adminToken(app: AppProcess): Promise<string> {
  const res = await app.request('/api/identity/login', { body: { email: 'admin@cafe.test', password: 'admin-password' } });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status}`);
  return res.body.accessToken;
}

/**
 * Stops the local Redis for the duration of `whileDown`, then starts it again, always. Other
 * test runs on the machine share this Redis: keep the window short.
 */
export async function withRedisDown(redisUrl: string, whileDown: () => Promise<void>): Promise<void> {
  const { hostname, port } = new URL(redisUrl);
  const redisPort = port || '6379';
  try {
    execFileSync('redis-cli', ['-h', hostname, '-p', redisPort, 'shutdown', 'nosave'], { stdio: 'ignore' });
  } catch {
    // redis-cli reports the dropped connection as an error; the ping below tells the truth.
  }
  try {
    await eventually(() => redisAnswers(redisUrl), (up) => !up, { within: 5000, interval: 100 });
    await whileDown();
  } finally {
    execFileSync('redis-server', ['--daemonize', 'yes', '--bind', hostname, '--port', redisPort, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await eventually(() => redisAnswers(redisUrl), (up) => up, { within: 10_000, interval: 100 });
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
