/** The project the generator works on (the one it ships in), and the project's own tools it runs. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder as filesIn } from '../files.ts';
import type { Changes } from './changes.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

/** The modules present as folders under src/modules. */
export function moduleFolders(): string[] {
  return readdirSync(join(ROOT, 'src/modules'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export const exists = (rel: string) => existsSync(join(ROOT, rel));

/** Files under a folder of the project, root-relative (see scripts/files.ts). */
export const filesUnder = (relDir: string, skip?: (rel: string) => boolean): string[] => filesIn(ROOT, relDir, skip);

/** Runs one of the project's scripts in a process of its own, so it sees the files as they are now. */
export function runScript(script: string, args: string[] = []): void {
  execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * The generated documents that follow the module list: docs/modules.md and README's settings
 * tables, the OpenAPI document and the typed client's schema. CI checks that they are current.
 */
export function regenerateDocuments(changes: Changes): void {
  changes.willRewrite('docs/modules.md', 'README.md', 'docs/openapi.json', 'clients/typescript/schema.d.ts');
  runScript('scripts/docs-modules.ts');
  runScript('scripts/openapi.ts');
}
