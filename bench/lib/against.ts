import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { removeDir, ROOT, tempDir } from './server.ts';

/**
 * An earlier commit of the project, built beside the working tree so that one bench run measures
 * both: `npm run bench -- read write --against <ref>`. Comparing two runs made at different times
 * measures the machine as much as the change; interleaving the two builds round by round does not.
 */
export interface RefBuild {
  /** The ref as given, and the commit it names. */
  ref: string;
  commit: string;
  /** A folder holding that commit's files (git archive) and its built server. */
  root: string;
  main: string;
  remove(): void;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

export function buildRef(ref: string, log: (m: string) => void): RefBuild {
  const commit = git('rev-parse', '--short', `${ref}^{commit}`);
  const root = tempDir(`cafe-bench-${commit}`);
  try {
    const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: ROOT, maxBuffer: 512 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', root], { input: archive });
    // Same lockfile: the working tree's packages are that commit's packages. Otherwise it gets its
    // own, installed from its lockfile: an earlier commit may import a package since removed, and
    // a version bump is part of what is being compared.
    if (git('diff', '--name-only', commit, '--', 'package-lock.json') === '') {
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    } else {
      log(`  ${commit}'s package-lock.json differs from the working tree's: installing its own packages (npm ci)`);
      execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    mkdirSync(path.join(root, 'dist'), { recursive: true });
    // Built as that commit's `npm start` builds it, so each side is measured the way it ships;
    // a commit from before the build script gets the bundle the bench made then.
    const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    let main = path.join(root, 'dist', 'server.js');
    if (scripts['build'] && existsSync(path.join(root, 'scripts', 'build.mjs'))) {
      execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    }
    if (!existsSync(main)) {
      main = path.join(root, 'dist', 'main.js');
      execFileSync(
        path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
        ['src/main.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external', `--outfile=${main}`, '--log-level=warning'],
        { cwd: root, stdio: 'inherit' },
      );
    }
    log(`  built ${ref} (${commit}) for comparison`);
    return { ref, commit, root, main, remove: () => removeDir(root) };
  } catch (err) {
    removeDir(root);
    throw err;
  }
}
