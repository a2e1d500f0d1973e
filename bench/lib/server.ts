import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST_MAIN = path.join(ROOT, 'dist', 'server.js');

/**
 * How the server under test is started. `dist`: what `npm start` runs, the build's server bundle
 * (pure-JavaScript dependencies inside, PGlite and the rest external) with source maps on.
 * `tsx`: what `npm run dev` does, compiling TypeScript on the fly.
 */
export type Runner = 'dist' | 'tsx';

let built = false;
/** `npm start`'s own first step: builds the bundle, pages and data template unless they are current. */
export function buildDist(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** How long a server may take to be ready; a machine busy with other work may need BENCH_READY_TIMEOUT_MS. */
const READY_TIMEOUT_MS = Number(process.env['BENCH_READY_TIMEOUT_MS'] ?? 60_000);

export interface RunningServer {
  name: string;
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 on the readiness path. */
  readyMs: number;
  /** Milliseconds from spawn to the first answer of any status (the port open and answering). */
  firstAnswerMs: number;
  /** The longest any one readiness request took while the server was starting: how long it left a probe waiting. */
  slowestAnswerMs: number;
  rssMb(): number;
  stop(): Promise<void>;
}

interface SpawnOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  readyPath: string;
  port: number;
  timeoutMs?: number;
  /** Where the process runs (the project's root unless an earlier commit's build is measured). */
  cwd?: string;
}

/**
 * Spawns a server as its own process and waits until `readyPath` answers 200. Its stdout (the
 * JSON log) goes to /dev/null: log formatting and the write system call are measured, a log
 * shipper's work is not. Its stderr is kept to explain a failed start.
 */
export async function spawnServer(o: SpawnOptions): Promise<RunningServer> {
  const started = performance.now();
  // BENCH_SERVER_LOGS=<folder> keeps each server's log there, to find the cause of a failure.
  const logs = process.env['BENCH_SERVER_LOGS'];
  const devnull = openSync(logs ? path.join(logs, `${o.name}-${o.port}.log`) : '/dev/null', 'w');
  // BENCH_SERVER_PROFILE=<folder> writes each server's CPU profile there when it stops (see README).
  const profiles = process.env['BENCH_SERVER_PROFILE'];
  const args = profiles ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`, ...o.args] : o.args;
  const child = spawn(process.execPath, args, {
    cwd: o.cwd ?? ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...o.env, PORT: String(o.port), HOST: '127.0.0.1' },
    stdio: ['ignore', devnull, 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${o.port}`;
  const timeoutMs = o.timeoutMs ?? READY_TIMEOUT_MS;
  const deadline = started + timeoutMs;
  let firstAnswerMs = Number.NaN;
  let slowestAnswerMs = 0;
  for (;;) {
    if (exited !== undefined) throw new Error(`${o.name} exited with ${exited} before it was ready:\n${stderr}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.name} was not ready within ${timeoutMs} ms:\n${stderr}`);
    }
    try {
      const asked = performance.now();
      const res = await fetch(url + o.readyPath);
      await res.arrayBuffer();
      const answered = performance.now();
      if (Number.isNaN(firstAnswerMs)) firstAnswerMs = answered - started;
      else slowestAnswerMs = Math.max(slowestAnswerMs, answered - asked);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - started;
  return {
    name: o.name,
    url,
    pid: child.pid!,
    readyMs,
    firstAnswerMs,
    slowestAnswerMs,
    rssMb: () => rssOf(child.pid!),
    stop: () => stopChild(child),
  };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface ProjectOptions {
  runner?: Runner;
  env?: Record<string, string>;
  name?: string;
  /** An earlier commit's bundle (bench/lib/against.ts) instead of the working tree's. */
  build?: { root: string; main: string };
}

/** The café application as `npm start` runs it, or from the dist bundle. */
export async function startProject(o: ProjectOptions = {}): Promise<RunningServer> {
  const runner = o.runner ?? 'dist';
  if (runner === 'dist' && !o.build) buildDist();
  const args = o.build ? ['--enable-source-maps', o.build.main] : runner === 'dist' ? ['--enable-source-maps', DIST_MAIN] : ['--import', 'tsx', 'src/main.ts'];
  return spawnServer({
    name: o.name ?? 'project',
    cwd: o.build?.root,
    args,
    env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', ...o.env },
    readyPath: '/health/ready',
    port: await freePort(),
  });
}

/** A baseline server script from bench/baselines, serving a body file's bytes. */
export async function startBaseline(script: string, bodyFile: string, contentType: string): Promise<RunningServer> {
  return spawnServer({
    name: script,
    args: ['--import', 'tsx', path.join(ROOT, 'bench', 'baselines', `${script}.ts`)],
    env: { BODY_FILE: bodyFile, CONTENT_TYPE: contentType, NODE_ENV: 'production' },
    readyPath: '/',
    port: await freePort(),
  });
}

/** CPU seconds a process has used so far (utime + stime from /proc). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits until a server has finished background work left from the last measurement (saga
 * steps, outbox relays): less than 5 % of a core over half a second, or 30 s at most.
 */
export async function settle(server: RunningServer, maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const before = cpuSeconds(server.pid);
    await new Promise((r) => setTimeout(r, 500));
    const used = cpuSeconds(server.pid) - before;
    if (!(used > 0.025)) return;
  }
}
