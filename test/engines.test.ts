/**
 * `engines` in package.json is a promise to whoever installs the project: every Node version it
 * admits runs every installed package. A dependency that asks for a newer Node than our declared
 * minimum breaks that promise silently (npm only warns), so this test names it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const declared = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;

interface Installed {
  id: string;
  range: string;
}

/** Every package under node_modules, nested copies included, with the Node range it declares. */
function installedPackages(dir: string, found: Installed[] = []): Installed[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      installedPackages(path, found);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string; engines?: { node?: unknown } };
      if (typeof pkg.engines?.node === 'string') found.push({ id: `${pkg.name ?? entry.name}@${pkg.version ?? '?'}`, range: pkg.engines.node });
    }
    if (existsSync(join(path, 'node_modules'))) installedPackages(join(path, 'node_modules'), found);
  }
  return found;
}

describe('engines', () => {
  const minimum = semver.minVersion(declared);

  it('declares a Node range with a minimum', () => {
    expect(minimum, `engines.node "${declared}"`).not.toBeNull();
  });

  it('no installed package requires a newer Node than the declared minimum', () => {
    const packages = installedPackages(join(root, 'node_modules'));
    expect(packages.length).toBeGreaterThan(100);
    const tooNew = packages
      // A range semver cannot read says nothing we could hold the package to.
      .filter((p) => semver.validRange(p.range) !== null && !semver.satisfies(minimum!, p.range))
      .map((p) => `${p.id} wants node ${p.range}`);
    expect(tooNew, `engines.node is "${declared}"`).toEqual([]);
  });
});
