import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFolder } from '../../src/shared/db/copy-folder.ts';
import { Database } from '../../src/shared/db/database.ts';
import { TURN_MS } from '../../src/shared/db/fair-pglite.ts';

// Embedded Postgres answers synchronously; without turns a chain of statements starves every timer and request.
describe('the embedded database gives the event loop its turns', () => {
  it('lets a timer fire while a long chain of statements runs', async () => {
    const db = new Database({ dataDir: 'memory://', poolSize: 1 });
    try {
      await db.ping();
      let firedAt: number | undefined;
      const started = performance.now();
      setTimeout(() => (firedAt = performance.now() - started), 0);
      let statements = 0;
      while (performance.now() - started < TURN_MS * 6) {
        await db.admin.execute(sql`select 1`);
        statements++;
      }
      const chainMs = performance.now() - started;
      expect(statements).toBeGreaterThan(10);
      // Fired during the chain, not after it: the loop had a turn while statements were still running.
      expect(firedAt).toBeDefined();
      expect(firedAt!).toBeLessThan(chainMs - TURN_MS);
    } finally {
      await db.close();
    }
  });

  it('runs a transaction whole even when a turn falls inside it', async () => {
    const db = new Database({ dataDir: 'memory://', poolSize: 1 });
    try {
      await db.admin.execute(sql`create table counter (n int not null)`);
      await db.admin.execute(sql`insert into counter values (0)`);
      // Two transactions that each read-then-write many times; interleaved, updates would be lost.
      const bump = () =>
        db.admin.transaction(async (tx) => {
          const deadline = performance.now() + TURN_MS * 3;
          let times = 0;
          while (performance.now() < deadline || times < 50) {
            await tx.execute(sql`update counter set n = n + 1`);
            times++;
          }
          return times;
        });
      const [a, b] = await Promise.all([bump(), bump()]);
      const rows = (await db.admin.execute(sql`select n from counter`)) as unknown as { rows: { n: number }[] };
      expect(rows.rows[0]!.n).toBe(a + b);
    } finally {
      await db.close();
    }
  });
});

describe('copyFolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cafe-copy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies nested folders and every file byte for byte', async () => {
    const source = join(dir, 'source');
    mkdirSync(join(source, 'base', '5'), { recursive: true });
    mkdirSync(join(source, 'pg_wal', 'archive_status'), { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(join(source, 'base', '5', String(i)), Buffer.alloc(1000 + i, i));
    writeFileSync(join(source, 'PG_VERSION'), '17\n');
    await copyFolder(source, join(dir, 'target'));
    expect(readFileSync(join(dir, 'target', 'PG_VERSION'), 'utf8')).toBe('17\n');
    for (let i = 0; i < 40; i++) expect(readFileSync(join(dir, 'target', 'base', '5', String(i))).equals(Buffer.alloc(1000 + i, i))).toBe(true);
    expect(readFileSync(join(dir, 'target', 'base', '5', '39')).length).toBe(1039);
  });

  it('refuses what a data folder never holds, naming it', async () => {
    const source = join(dir, 'linked');
    mkdirSync(source);
    symlinkSync('/nowhere', join(source, 'link'));
    await expect(copyFolder(source, join(dir, 'linked-target'))).rejects.toThrow(/link: only files and folders/);
  });
});
