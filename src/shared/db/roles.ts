import { createHash } from 'node:crypto';
import type postgres from 'postgres';

/**
 * Database roles per module: on real Postgres each module logs in as a role that may use its own
 * schema and nothing else, so "a module touches only its own schema" is enforced by the database,
 * not only by lint. Roles are cluster-wide while schemas live in one database, so a role's name
 * carries the database's name: two databases on one cluster (parallel test files, two
 * deployments) never share or fight over a role.
 */
const MAX_IDENTIFIER = 63;

/** `<database>__<module>`, shortened with a hash when it would exceed Postgres' 63 characters. */
export function moduleRoleName(database: string, module: string): string {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const db = clean(database);
  const mod = clean(module);
  const name = `${db}__${mod}`;
  if (name.length <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha256').update(`${database}/${module}`).digest('hex').slice(0, 8);
  const room = MAX_IDENTIFIER - mod.length - hash.length - 3;
  return `${db.slice(0, Math.max(1, room))}_${hash}__${mod}`.slice(0, MAX_IDENTIFIER);
}

/** The database a connection URL points at (what role names are derived from). */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/** Role naming for one deployment's database. */
export function moduleRolesFor(url: string): (module: string) => string {
  const database = databaseNameOf(url);
  return (module) => moduleRoleName(database, module);
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates (if missing) each module's login role and grants it its own schema: USAGE on the schema,
 * DML on its tables and sequences, and the same on tables the owner creates there later. Nothing
 * on other modules' schemas, nothing on the kernel's `drizzle` bookkeeping. Idempotent; the caller
 * holds the migration lock, so concurrent starts of one deployment take turns.
 */
export async function grantModuleRoles(owner: postgres.Sql, modules: readonly { role: string; schema: string }[]): Promise<void> {
  const [{ db } = { db: '' }] = await owner<{ db: string }[]>`select current_database() as db`;
  for (const { role, schema } of modules) {
    const r = ident(role);
    const s = ident(schema);
    const exists = await owner`select 1 from pg_roles where rolname = ${role}`;
    // Password-less: the cluster's pg_hba decides (trust or peer locally, certificates elsewhere).
    if (exists.length === 0) await owner.unsafe(`create role ${r} login`);
    // The comment is how teardown finds the roles of a database without knowing its modules.
    await owner.unsafe(`comment on role ${r} is ${quoteLiteral(roleComment(db))}`);
    await owner.unsafe(`grant connect on database ${ident(db)} to ${r}`);
    await owner.unsafe(`grant usage on schema ${s} to ${r}`);
    await owner.unsafe(`grant select, insert, update, delete, truncate on all tables in schema ${s} to ${r}`);
    await owner.unsafe(`grant usage, select, update on all sequences in schema ${s} to ${r}`);
    await owner.unsafe(`alter default privileges in schema ${s} grant select, insert, update, delete, truncate on tables to ${r}`);
    await owner.unsafe(`alter default privileges in schema ${s} grant usage, select, update on sequences to ${r}`);
  }
}

/**
 * Drops the module roles of a database that is gone (or going): its grants vanish with the
 * database, after which the cluster-wide roles can be dropped. Used by test harnesses and teardown.
 */
export async function dropModuleRoles(admin: postgres.Sql, database: string): Promise<void> {
  const roles = await admin<{ rolname: string }[]>`
    select r.rolname from pg_roles r join pg_shdescription d on d.objoid = r.oid and d.classoid = 'pg_authid'::regclass
    where d.description = ${roleComment(database)}`;
  for (const { rolname } of roles) await admin.unsafe(`drop role if exists ${ident(rolname)}`);
}

const roleComment = (database: string) => `module role of database ${database}`;

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
