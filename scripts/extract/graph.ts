/**
 * The import graph of the sources, read with TypeScript's own pre-processor (no type checking):
 * which files a module's code reaches and which packages it imports. The extracted project is
 * computed from this graph, not from a hand-kept list.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface FileImports {
  /** Project-relative paths of the files it imports. */
  files: { specifier: string; target: string }[];
  /** Package names it imports (`@hono/zod-openapi`, `zod`; `node:` built-ins left out). */
  packages: string[];
}

export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(['fs', 'path', 'url', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads', 'events', 'stream', 'util', 'assert', 'dns', 'timers', 'zlib', 'readline', 'buffer', 'perf_hooks', 'module', 'process', 'async_hooks']);

export class SourceGraph {
  private readonly cache = new Map<string, FileImports>();

  /** `virtual` holds generated files (project-relative path → text) that take precedence over the disk. */
  constructor(
    readonly root: string,
    private readonly virtual: ReadonlyMap<string, string> = new Map(),
  ) {}

  exists(rel: string): boolean {
    return this.virtual.has(rel) || existsSync(path.join(this.root, rel));
  }

  text(rel: string): string {
    return this.virtual.get(rel) ?? readFileSync(path.join(this.root, rel), 'utf8');
  }

  importsOf(rel: string): FileImports {
    const known = this.cache.get(rel);
    if (known) return known;
    const info = ts.preProcessFile(this.text(rel), true, true);
    const files: FileImports['files'] = [];
    const packages = new Set<string>();
    for (const { fileName: specifier } of info.importedFiles) {
      if (specifier.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), specifier));
        files.push({ specifier, target: this.resolve(target) });
      } else {
        const name = packageName(specifier);
        if (name && !BUILTINS.has(name)) packages.add(name);
      }
    }
    // A package read at run time by path (`require.resolve('pkg/file.js')`) is a dependency too.
    for (const [, specifier] of this.text(rel).matchAll(/\.resolve\(\s*['"]([^'"./][^'"]*)['"]/g)) {
      const name = packageName(specifier!);
      if (name && !BUILTINS.has(name)) packages.add(name);
    }
    const result = { files, packages: [...packages].sort() };
    this.cache.set(rel, result);
    return result;
  }

  /** `./x` may name `./x.ts`, `./x.js` or `./x/index.ts`; the sources write extensions, so most resolve as written. */
  private resolve(target: string): string {
    for (const candidate of [target, `${target}.ts`, `${target}/index.ts`, target.replace(/\.js$/, '.ts')]) if (this.exists(candidate)) return candidate;
    return target;
  }

  /**
   * Every file reachable from `roots`, visiting an edge only when `follow` allows it. An edge
   * `follow` refuses is returned instead, so the caller can name the file and the import.
   */
  closure(roots: readonly string[], follow: (from: string, to: string) => boolean): { files: Set<string>; refused: { from: string; specifier: string; target: string }[] } {
    const files = new Set<string>();
    const refused: { from: string; specifier: string; target: string }[] = [];
    const queue = [...roots];
    while (queue.length > 0) {
      const rel = queue.pop()!;
      if (files.has(rel)) continue;
      files.add(rel);
      for (const edge of this.importsOf(rel).files) {
        if (!follow(rel, edge.target)) refused.push({ from: rel, specifier: edge.specifier, target: edge.target });
        else if (!files.has(edge.target)) queue.push(edge.target);
      }
    }
    return { files, refused };
  }

  packagesOf(files: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const f of files) for (const p of this.importsOf(f).packages) out.add(p);
    return out;
  }
}
