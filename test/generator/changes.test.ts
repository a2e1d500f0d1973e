/** A failed generator run puts back every file it wrote, created or removed. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Changes } from '../../scripts/module/changes.ts';

describe('a run rolled back', () => {
  let root: string;
  const file = (rel: string) => join(root, rel);
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cafe-changes-'));
    mkdirSync(file('src/modules/reviews/db'), { recursive: true });
    writeFileSync(file('src/modules.ts'), 'the list\n');
    writeFileSync(file('src/modules/reviews/index.ts'), 'entry\n');
    writeFileSync(file('src/modules/reviews/db/schema.ts'), 'tables\n');
    writeFileSync(file('README.md'), 'readme\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('removes what it created and restores what it rewrote', () => {
    const changes = new Changes(root);
    changes.creates('src/modules/invoices');
    changes.write('src/modules/invoices/index.ts', 'new entry\n');
    changes.write('src/modules.ts', 'the list, longer\n');
    changes.willRewrite('README.md', 'docs/modules.md');
    writeFileSync(file('README.md'), 'rewritten by a tool\n');
    mkdirSync(file('docs'));
    writeFileSync(file('docs/modules.md'), 'written by a tool\n');

    changes.rollback();
    expect(existsSync(file('src/modules/invoices'))).toBe(false);
    expect(readFileSync(file('src/modules.ts'), 'utf8')).toBe('the list\n');
    expect(readFileSync(file('README.md'), 'utf8')).toBe('readme\n');
    expect(existsSync(file('docs/modules.md'))).toBe(false);
  });

  it('puts a removed folder back, file by file', () => {
    const changes = new Changes(root);
    changes.removeTree(
      'src/modules/reviews',
      new Map([
        ['src/modules/reviews/index.ts', 'entry\n'],
        ['src/modules/reviews/db/schema.ts', 'tables\n'],
      ]),
    );
    expect(existsSync(file('src/modules/reviews'))).toBe(false);
    changes.rollback();
    expect(readFileSync(file('src/modules/reviews/index.ts'), 'utf8')).toBe('entry\n');
    expect(readFileSync(file('src/modules/reviews/db/schema.ts'), 'utf8')).toBe('tables\n');
  });

  it('remembers the first contents when a file is written twice', () => {
    const changes = new Changes(root);
    changes.write('src/modules.ts', 'one\n');
    changes.write('src/modules.ts', 'two\n');
    changes.rollback();
    expect(readFileSync(file('src/modules.ts'), 'utf8')).toBe('the list\n');
  });
});
