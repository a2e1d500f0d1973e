import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './server.ts';

export interface LoadPlan {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Requests cycle through these (e.g. one per customer token). */
  variants?: { headers?: Record<string, string>; body?: string }[];
  /** A header set to a fresh UUID on every request (Idempotency-Key). */
  uniqueHeader?: string;
}

export interface LoadOutcome {
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  okPerSecond: number;
  latencyP50: number;
  latencyP99: number;
}

/** Runs autocannon in a child process against `plan.url` and returns what it measured. */
export function runLoad(plan: LoadPlan): Promise<LoadOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'lib', 'load-worker.ts'), JSON.stringify(plan)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) return reject(new Error(`load generator failed (${code}): ${err.slice(-2000)}`));
      resolve(JSON.parse(line) as LoadOutcome);
    });
  });
}
