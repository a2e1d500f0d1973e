/**
 * `npm run build` (and so `npm start`): the server bundle, the browser pages and the embedded data
 * template, skipped when nothing they are built from changed since the last build. A stamp in
 * dist/ holds a hash of those inputs. Plain JavaScript so that checking the stamp costs one `node`
 * start and no TypeScript loader. `--force` builds regardless.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'web', 'migrations', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs', 'scripts/build-web.ts', 'scripts/build-data.ts'];
const outputs = ['dist/server.js', 'dist/web', 'dist/pgdata/manifest.json'];
const steps = ['build:server', 'build:web', 'build:data'];

function files(path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  try {
    return readdirSync(full, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [full];
  }
}

const hash = createHash('sha256');
for (const file of inputs.flatMap(files).sort()) hash.update(`${relative(root, file)}\n`).update(readFileSync(file));
const digest = hash.digest('hex');

const current = existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest && outputs.every((o) => existsSync(join(root, o)));
if (current && !process.argv.includes('--force')) {
  console.log('build: up to date');
} else {
  const npm = process.env['npm_execpath'];
  for (const step of steps) {
    // Through the npm that runs us when there is one, so the steps see the same environment.
    if (npm) execFileSync(process.execPath, [npm, 'run', '--silent', step], { cwd: root, stdio: 'inherit' });
    else execFileSync('npm', ['run', '--silent', step], { cwd: root, stdio: 'inherit' });
  }
  writeFileSync(stamp, `${digest}\n`);
}
