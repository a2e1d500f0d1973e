import { mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { npm, ROOT, run } from './support.ts';

const ready = Boolean(process.env['DATABASE_URL'] && process.env['REDIS_URL'] && process.env['EVENT_TRANSPORT'] === 'bullmq');

/**
 * Every module, not just the two the end-to-end test runs: each extraction either writes a project
 * that typechecks or names the file and import that keeps it in. (One compiler run over all the
 * generated projects, each compiled against its own copies of the kernel and the entries.)
 */
describe.skipIf(!ready)('extracting every module', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'cafe-extract-all-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes a project for each, and each project typechecks', async () => {
    const report = await npm(ROOT, ['run', 'extract', '--', '--all', '--out', out]);
    const written = modules.filter((m) => new RegExp(`^${m.name}: wrote \\d+ files$`, 'm').test(report)).map((m) => m.name);
    const refused = modules.filter((m) => new RegExp(`^${m.name}: not extractable$`, 'm').test(report)).map((m) => m.name);
    expect([...written, ...refused].sort()).toEqual(modules.map((m) => m.name).sort());
    expect(written).toHaveLength(modules.length);
    for (const dir of [...written, '.']) symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, dir, 'node_modules'));
    const base = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
    writeFileSync(path.join(out, 'tsconfig.json'), JSON.stringify({ compilerOptions: base.compilerOptions, include: written.flatMap((m) => [`${m}/src`, `${m}/test`, `${m}/scripts`]) }));
    await run(out, path.join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  }, 300_000);
});
