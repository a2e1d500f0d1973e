/**
 * A throwaway copy of this project at its committed HEAD, for tests that run the generator and
 * the project's own checks on the result. node_modules is linked, not installed: the copy uses
 * exactly the packages this checkout has.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both streams, for assertion messages. */
  output: string;
}

export interface Clone {
  dir: string;
  /** Runs a command in the clone; never throws on a failing exit code. */
  run(command: string, args: string[], env?: Record<string, string | undefined>): Promise<Run>;
  /** The project's script through tsx, as `npm run` would, without npm's own start-up. */
  script(script: string, args?: string[], env?: Record<string, string | undefined>): Promise<Run>;
  /** A binary of the linked node_modules. */
  bin(name: string, args: string[], env?: Record<string, string | undefined>): Promise<Run>;
  /** Paths `git status` reports as changed or new. */
  changes(): string[];
  remove(): void;
}

/** The environment a child sees: this one, minus the outer test runner's own markers. */
function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_ENV') env[k] = v;
  // Plain text: the tests read the children's reports.
  env['NO_COLOR'] = '1';
  delete env['FORCE_COLOR'];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function cloneProject(): Clone {
  const dir = mkdtempSync(join(tmpdir(), 'cafe-generator-'));
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '--quiet', '--no-checkout', REPO, dir]);
  execFileSync('git', ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', head], { cwd: dir });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');

  const run: Clone['run'] = (command, args, env = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(command, args, { cwd: dir, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        const plain = (text: string) => text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
        resolve({ code, stdout: plain(stdout), stderr: plain(stderr), output: plain(`${stdout}\n${stderr}`) });
      });
    });
  return {
    dir,
    run,
    script: (script, args = [], env) => run(process.execPath, ['--import', 'tsx', script, ...args], env),
    bin: (name, args, env) => run(join(dir, 'node_modules/.bin', name), args, env),
    changes: () =>
      execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.endsWith(' node_modules'))
        .map((l) => l.slice(3)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
