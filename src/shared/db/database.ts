import { existsSync, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql as rawSql, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { copyFolder } from './copy-folder.ts';
import { FairPGlite } from './fair-pglite.ts';
import { preparingClient } from './prepared.ts';

/** The drizzle handle a module receives. It is scoped to that module's schema and, on real Postgres, its role. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = PgTransaction<PgQueryResultHKT, any, any>;
export type Executor = Db | Tx;

/** postgres.js returns an array of rows, PGlite an object with `rows`; callers see rows either way. */
export async function query<T = Record<string, unknown>>(db: Executor, statement: SQL): Promise<T[]> {
  const result: unknown = await db.execute(statement);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Server settings for the embedded database, given at each start (nothing is written to the data
 * folder, so an existing folder simply starts with them). Postgres' defaults size shared memory
 * for a server with a hundred connections: 128 MB of buffers alone, resident in this process.
 * One connection and a café's data need far less, and every megabyte here is a megabyte of RSS.
 */
const EMBEDDED_SETTINGS = [
  ['shared_buffers', '16MB'],
  ['wal_buffers', '1MB'],
  ['temp_buffers', '2MB'],
  ['maintenance_work_mem', '16MB'],
  ['max_connections', '10'],
].flatMap(([name, value]) => ['-c', `${name}=${value}`]);

export interface DatabaseOptions {
  url?: string;
  dataDir: string;
  poolSize: number;
  /** Login role per module, created by the migration step. Undefined: every module uses the URL's role. */
  moduleRoles?: (module: string) => string;
}

export interface OpenOptions extends DatabaseOptions {
  /**
   * A migrated data folder to start a new embedded database from instead of running `initdb`
   * (`template.ts`). Asked only when the folder holds no database yet.
   */
  template?: () => string | undefined;
}

/** Where an embedded database keeps PGlite's files; undefined on Postgres and in memory. */
function embeddedFolder(options: DatabaseOptions): string | undefined {
  if (options.url || options.dataDir === 'memory://') return undefined;
  return `${options.dataDir}/pg`;
}

/**
 * One physical database for the process. On PGlite all modules share the single embedded
 * connection; on Postgres each module gets its own small pool (and its own role when configured),
 * which is what makes "a module touches only its own schema" enforceable by the database.
 */
export class Database {
  readonly kind: 'pglite' | 'postgres';
  /** The owner connection: migrations, role setup, and the kernel's bookkeeping. */
  readonly admin: Db;
  private readonly pglite?: PGlite;
  private readonly adminClient?: postgres.Sql;
  private readonly moduleClients = new Map<string, postgres.Sql>();
  private readonly moduleDbs = new Map<string, Db>();

  /**
   * Opens the database, a new embedded one from the build's template when there is one. The copy
   * is asynchronous so the process keeps answering `/health/live` while it runs (0.1 s from a
   * warm page cache, about a second from a cold disk).
   */
  static async open(options: OpenOptions): Promise<Database> {
    const folder = embeddedFolder(options);
    let copied = false;
    // Not in memory: PGlite's own tarball loading (`loadDataDir`) was slower than initdb there.
    if (folder !== undefined && !existsSync(`${folder}/PG_VERSION`)) {
      const template = options.template?.();
      if (template) {
        // Copied beside and renamed into place: a start cut short never leaves half a database that looks whole.
        const partial = `${folder}.partial-${process.pid}`;
        await rm(partial, { recursive: true, force: true });
        await copyFolder(template, partial);
        await rm(folder, { recursive: true, force: true });
        await rename(partial, folder);
        copied = true;
      }
    }
    return new Database(options, copied);
  }

  constructor(
    private readonly options: DatabaseOptions,
    /** True when a new embedded database was loaded from the build's template rather than made by `initdb`. */
    readonly startedFromTemplate = false,
  ) {
    if (options.url) {
      this.kind = 'postgres';
      this.adminClient = postgres(options.url, { max: Math.max(2, Math.ceil(options.poolSize / 2)), onnotice: () => {} });
      this.admin = drizzlePostgres(preparingClient(this.adminClient));
    } else {
      this.kind = 'pglite';
      const folder = embeddedFolder(options);
      if (folder !== undefined) mkdirSync(options.dataDir, { recursive: true });
      this.pglite = new FairPGlite(folder, { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
      this.admin = drizzlePglite(this.pglite);
    }
  }

  /** The role a module logs in as on Postgres, or undefined when it shares the owner's role. */
  roleFor(module: string): string | undefined {
    return this.kind === 'postgres' ? this.options.moduleRoles?.(module) : undefined;
  }

  get url(): string | undefined {
    return this.options.url;
  }

  /** The connection a module runs on. */
  forModule(module: string): Db {
    if (this.kind === 'pglite') return this.admin;
    let db = this.moduleDbs.get(module);
    if (!db) {
      const role = this.roleFor(module);
      const client = postgres(this.options.url!, {
        max: this.options.poolSize,
        onnotice: () => {},
        ...(role ? { username: role, password: undefined } : {}),
        connection: { application_name: `cafe:${module}` },
      });
      this.moduleClients.set(module, client);
      db = drizzlePostgres(preparingClient(client));
      this.moduleDbs.set(module, db);
    }
    return db;
  }

  /** The raw postgres.js client of the owner connection (LISTEN/NOTIFY), when on Postgres. */
  get postgresClient(): postgres.Sql | undefined {
    return this.adminClient;
  }

  async ping(): Promise<void> {
    await this.admin.execute(rawSql`select 1`);
  }

  async close(): Promise<void> {
    await Promise.all([...this.moduleClients.values()].map((c) => c.end({ timeout: 5 })));
    this.moduleClients.clear();
    this.moduleDbs.clear();
    if (this.adminClient) await this.adminClient.end({ timeout: 5 });
    if (this.pglite && !this.pglite.closed) await this.pglite.close();
  }
}
