/**
 * The files a generator run touches, remembered so that a failed step puts every one of them
 * back: a run either completes or leaves the project as it found it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class Changes {
  /** Original contents by path; null for a path that did not exist. */
  private readonly originals = new Map<string, string | null>();
  /** Folders this run created or removed, restored from `removedTrees` on rollback. */
  private readonly createdTrees: string[] = [];
  private readonly removedTrees = new Map<string, Map<string, string>>();

  constructor(readonly root: string) {}

  private remember(rel: string): void {
    if (this.originals.has(rel)) return;
    const file = join(this.root, rel);
    this.originals.set(rel, existsSync(file) ? readFileSync(file, 'utf8') : null);
  }

  /** Remembers files a child process (docs, OpenAPI) is about to rewrite. */
  willRewrite(...rels: string[]): void {
    for (const rel of rels) this.remember(rel);
  }

  write(rel: string, text: string): void {
    this.remember(rel);
    const file = join(this.root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }

  /** A folder this run creates (by writing into it or through a tool); removed again on rollback. */
  creates(relDir: string): void {
    this.createdTrees.push(relDir);
  }

  /** Removes a folder, keeping its files' contents for a rollback. */
  removeTree(relDir: string, files: Map<string, string>): void {
    this.removedTrees.set(relDir, files);
    rmSync(join(this.root, relDir), { recursive: true, force: true });
  }

  rollback(): void {
    for (const dir of this.createdTrees) rmSync(join(this.root, dir), { recursive: true, force: true });
    for (const [, files] of this.removedTrees) {
      for (const [rel, text] of files) {
        mkdirSync(dirname(join(this.root, rel)), { recursive: true });
        writeFileSync(join(this.root, rel), text);
      }
    }
    for (const [rel, text] of this.originals) {
      const file = join(this.root, rel);
      if (text === null) rmSync(file, { force: true });
      else writeFileSync(file, text);
    }
  }
}
