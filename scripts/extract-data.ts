/**
 * Moves a module's data into its service's own database: its schema's tables, outbox and inbox
 * included, so undispatched events and handled-event records survive the move.
 *
 *   npm run extract:data -- <module> --from <monolith DATABASE_URL> --to <service DATABASE_URL>
 *
 * The target gets the module's migrations first, then every row in one transaction read from one
 * snapshot of the source, then its sequences moved past the copied ids. A target that already
 * holds rows of that schema is refused; row counts are compared before the copy commits.
 * Stop the module's writers first (see the cut-over runbook in docs/adr).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { Database } from '../src/shared/db/database.ts';
import { migrateModules } from '../src/shared/db/migrate.ts';

const args = process.argv.slice(2);
const option = (f: string) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : undefined;
};
const name = args[0];
const from = option('--from');
const to = option('--to');
const migrations = path.resolve(option('--migrations') ?? fileURLToPath(new URL(`../migrations/${name}`, import.meta.url)));

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

if (!name || name.startsWith('--') || !from || !to) fail('usage: npm run extract:data -- <module> --from <monolith DATABASE_URL> --to <service DATABASE_URL>');
if (!/^[a-z][a-z0-9_-]*$/.test(name)) fail(`"${name}" is not a module name`);
if (!existsSync(`${migrations}/meta/_journal.json`)) fail(`no migrations for ${name} in ${migrations}: pass --migrations <folder> (the service's migrations/${name})`);

const source = postgres(from, { max: 1, onnotice: () => {} });
const target = postgres(to, { max: 1, onnotice: () => {} });
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Tables of a schema, parents before children so foreign keys hold row by row. */
async function tablesOf(sql: postgres.Sql, schema: string): Promise<string[]> {
  const tables = (await sql<{ name: string }[]>`select table_name as name from information_schema.tables where table_schema = ${schema} and table_type = 'BASE TABLE' order by table_name`).map((r) => r.name);
  const edges = await sql<{ child: string; parent: string }[]>`
    select c.relname as child, p.relname as parent from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = ${schema} and c.relname <> p.relname`;
  const ordered: string[] = [];
  const visit = (t: string, seen: Set<string>) => {
    if (ordered.includes(t) || seen.has(t)) return;
    seen.add(t);
    for (const e of edges) if (e.child === t) visit(e.parent, seen);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

async function counts(sql: postgres.Sql | postgres.TransactionSql, schema: string, tables: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await sql.unsafe(`select count(*)::int as n from ${ident(schema)}.${ident(t)}`))[0]!['n']);
  return out;
}

try {
  const sourceTables = await tablesOf(source, name);
  if (sourceTables.length === 0) fail(`the source database has no "${name}" schema (or it has no tables)`);
  const existing = await tablesOf(target, name);
  if (existing.length > 0) {
    const rows = await counts(target, name, existing);
    const filled = Object.entries(rows).filter(([, n]) => n > 0);
    if (filled.length > 0) fail(`refusing: the target already holds ${name} data (${filled.map(([t, n]) => `${t}: ${n} rows`).join(', ')})`);
  }
  // The service's own migration step, so its bookkeeping says the schema is current when it starts.
  const db = new Database({ url: to, dataDir: 'memory://', poolSize: 1 });
  try {
    await migrateModules(db, [{ name, folder: migrations, schema: name }]);
  } finally {
    await db.close();
  }
  const targetTables = await tablesOf(target, name);
  const missing = sourceTables.filter((t) => !targetTables.includes(t));
  if (missing.length > 0) fail(`the target's ${name} schema lacks ${missing.join(', ')}: its migrations are older than the source's`);

  const copied = await source.begin('isolation level repeatable read read only', async (snapshot) => {
    const expected = await counts(snapshot, name, sourceTables);
    await target.begin(async (tx) => {
      for (const t of sourceTables) {
        const columns = (await snapshot<{ c: string }[]>`select column_name as c from information_schema.columns where table_schema = ${name} and table_name = ${t} and is_generated = 'NEVER' order by ordinal_position`).map((r) => ident(r.c)).join(', ');
        const out = await snapshot.unsafe(`copy (select ${columns} from ${ident(name)}.${ident(t)}) to stdout`).readable();
        const into = await tx.unsafe(`copy ${ident(name)}.${ident(t)} (${columns}) from stdin`).writable();
        await pipeline(out, into);
      }
      // Ids drawn after the move must not collide with the copied ones.
      const sequences = await tx<{ seq: string; tbl: string; col: string }[]>`
        select s.relname as seq, t.relname as tbl, a.attname as col from pg_class s
        join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
        join pg_class t on t.oid = d.refobjid
        join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
        join pg_namespace n on n.oid = s.relnamespace
        where s.relkind = 'S' and n.nspname = ${name}`;
      for (const s of sequences) {
        await tx.unsafe(`select setval('${ident(name)}.${ident(s.seq)}', coalesce((select max(${ident(s.col)}) from ${ident(name)}.${ident(s.tbl)}), 1), (select count(*) > 0 from ${ident(name)}.${ident(s.tbl)}))`);
      }
      const landed = await counts(tx, name, sourceTables);
      const differ = sourceTables.filter((t) => landed[t] !== expected[t]);
      if (differ.length > 0) throw new Error(`row counts differ after the copy (${differ.map((t) => `${t}: ${expected[t]} → ${landed[t]}`).join(', ')}); nothing was committed`);
    });
    return expected;
  });
  for (const [t, n] of Object.entries(copied)) console.log(`${name}.${t}: ${n} rows copied, counts verified`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await source.end();
  await target.end();
}
