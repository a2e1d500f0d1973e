/**
 * Finding 10: with Redis gone, SIGTERM left the process logging reconnects for fifteen seconds
 * and more. This starts a Redis of its own (never the shared one), stops it under a running
 * server, and times the shutdown.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function waitForOutput(child: ChildProcess, pattern: RegExp, within: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${within} ms; output:\n${seen}`)), within);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  });
}

describe.skipIf(!hasRedis)('shutdown with Redis gone', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('exits within the shutdown bound after SIGTERM', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
    children.push(redis);
    await waitForOutput(redis, /Ready to accept connections/, 10_000);

    const env: Record<string, string | undefined> = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'info',
      EVENT_TRANSPORT: 'bullmq',
      REDIS_URL: `redis://127.0.0.1:${port}`,
      BULLMQ_PREFIX: `shutdown-${process.pid}`,
      PASSWORD_HASH_COST: '10',
      SHUTDOWN_TIMEOUT_MS: '10000',
      SEED_DEMO_MENU: 'false',
      DATABASE_URL: undefined,
      ADMIN_EMAIL: undefined,
      ADMIN_PASSWORD: undefined,
    };
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: 'pipe' });
    children.push(server);
    await waitForOutput(server, /listening on/, 240_000);

    redis.kill('SIGKILL');
    await new Promise((r) => redis.once('exit', r));
    await new Promise((r) => setTimeout(r, 500));

    const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
    const started = performance.now();
    server.kill('SIGTERM');
    const code = await exited;
    const seconds = (performance.now() - started) / 1000;
    console.log(`shutdown with Redis gone: exit code ${code} after ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(11);
  });
});
