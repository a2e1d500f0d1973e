/**
 * Boots the server with a given runtime and checks the basics a new user tries first: ready,
 * register, login, list items. Used by CI for each runtime the sources run on:
 *   tsx scripts/smoke.ts node   |   tsx scripts/smoke.ts deno   |   tsx scripts/smoke.ts bun
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runtime = process.argv[2] ?? 'node';
const port = 3900 + Math.floor(Math.random() * 90);
const dataDir = mkdtempSync(join(tmpdir(), 'cafe-smoke-'));
// The binaries directly, not through npx: a signal to npx does not always reach its child.
const commands: Record<string, [string, string[]]> = {
  node: [process.execPath, ['--import', 'tsx', 'src/main.ts']],
  deno: ['node_modules/.bin/deno', ['run', '--allow-all', 'src/main.ts']],
  // Bun runs TypeScript itself, like Deno.
  bun: ['node_modules/.bin/bun', ['src/main.ts']],
};
const command = commands[runtime];
if (!command) throw new Error(`smoke: unknown runtime "${runtime}" (node, deno or bun)`);
const child = spawn(command[0], command[1], {
  env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;

function check(cond: unknown, what: string): void {
  if (!cond) throw new Error(`smoke (${runtime}): ${what}`);
  console.log(`ok - ${what}`);
}

async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, init);
  return { status: res.status, body: await res.json() };
}

try {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() - started > 60_000) throw new Error('server not ready within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`ok - ${runtime} server ready in ${Date.now() - started} ms`);
  const post = (path: string, body: unknown) => json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const reg = await post('/api/identity/register', { email: 'smoke@cafe.test', password: 'smoke-password', displayName: 'Smoke' });
  check(reg.status === 201 && reg.body.role === 'customer', 'register answers 201');
  const login = await post('/api/identity/login', { email: 'smoke@cafe.test', password: 'smoke-password' });
  check(login.status === 200 && typeof login.body.accessToken === 'string', 'login answers a token');
  const me = await json('/api/identity/me', { headers: { authorization: `Bearer ${login.body.accessToken}` } });
  check(me.status === 200 && me.body.email === 'smoke@cafe.test', 'the token authenticates');
  const items = await json('/api/catalog/items');
  check(items.status === 200 && Array.isArray(items.body) && items.body.length > 0, 'items list the demo menu');
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
