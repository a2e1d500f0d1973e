import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const exec = promisify(execFile);

/** Runs a command to completion; a failure carries its whole output, so the test says why. */
export async function run(cwd: string, command: string, args: string[], env: Record<string, string | undefined> = {}): Promise<string> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${path.basename(cwd)}:\n${e.stdout ?? ''}${e.stderr ?? ''}\n${e.message}`);
  }
}

export const npm = (cwd: string, args: string[], env: Record<string, string | undefined> = {}) => run(cwd, 'npm', args, env);

/**
 * A copy of this monolith as a user would have it (every tracked and untracked-but-not-ignored
 * file), sharing its installed packages, committed to a fresh repository so the test can ask git
 * what an extraction and its undo left changed.
 */
export async function copyMonolith(dest: string): Promise<void> {
  const files = (await run(ROOT, 'git', ['ls-files', '-co', '--exclude-standard', '-z'])).split('\0').filter(Boolean);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    try {
      cpSync(path.join(ROOT, f), path.join(dest, f));
    } catch {
      // listed by git but deleted in the working tree
    }
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dest, 'node_modules'));
  await run(dest, 'git', ['init', '-q']);
  await run(dest, 'git', ['add', '-A']);
  await run(dest, 'git', ['-c', 'user.name=test', '-c', 'user.email=test@cafe.test', 'commit', '-qm', 'before extraction']);
}
