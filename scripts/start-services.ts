/**
 * `npm run start:services`: the café as services on this machine (see scripts/services.ts).
 * Needs DATABASE_URL and REDIS_URL; payments and fulfillment get databases of their own beside
 * the given one. Logs are prefixed by service; Ctrl-C stops all three.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { developmentKeys, planServices } from './services.ts';

const base = process.env['DATABASE_URL'];
const redisUrl = process.env['REDIS_URL'];
if (!base || !redisUrl) {
  console.error('start:services needs DATABASE_URL (a Postgres the services may create databases in) and REDIS_URL (the BullMQ transport)');
  process.exit(78);
}

/** `postgres://h/cafe` → `postgres://h/cafe_payments`, created when missing. */
async function databaseBeside(url: string, suffix: string): Promise<string> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'postgres'}_${suffix}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await admin`select 1 from pg_database where datname = ${name}`;
    if (!row) await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  target.pathname = `/${name}`;
  return target.toString();
}

const port = Number(process.env['PORT'] ?? 3000);
const services = planServices(
  {
    port,
    databases: { gateway: base, payments: await databaseBeside(base, 'payments'), fulfillment: await databaseBeside(base, 'fulfillment') },
    redisUrl,
    prefix: process.env['BULLMQ_PREFIX'] ?? 'cafe',
  },
  {
    // Keys given in the environment win; otherwise development keys for this run.
    ...(await developmentKeys()),
    ...(process.env['JWT_PRIVATE_KEY'] ? { jwt: process.env['JWT_PRIVATE_KEY'] } : {}),
    ...(process.env['SERVICE_TOKEN_KEY'] ? { service: process.env['SERVICE_TOKEN_KEY'] } : {}),
  },
);

const root = fileURLToPath(new URL('..', import.meta.url));
const width = Math.max(...services.map((s) => s.name.length));
const children: ChildProcess[] = [];
let stopping = false;

for (const service of services) {
  const child = spawn(process.execPath, ['--enable-source-maps', '--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${service.name.padEnd(width)}] `;
  const relay = (stream: NodeJS.WritableStream) => {
    let pending = '';
    return (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) stream.write(`${prefix}${line}\n`);
    };
  };
  child.stdout!.on('data', relay(process.stdout));
  child.stderr!.on('data', relay(process.stderr));
  child.once('exit', (code, signal) => {
    console.error(`${prefix}exited (${signal ?? code})`);
    if (!stopping) stopAll(1);
  });
  children.push(child);
}
console.error(`services: gateway on http://localhost:${port}, payments on ${port + 1}, fulfillment on ${port + 2}`);

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const left = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
  const check = setInterval(() => {
    if (left().length === 0) {
      clearInterval(check);
      process.exit(code);
    }
  }, 100);
  // A process that does not stop in time is killed: Ctrl-C must always end the run.
  setTimeout(() => {
    for (const c of left()) c.kill('SIGKILL');
  }, 15_000).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
