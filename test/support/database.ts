import postgres from 'postgres';
import { dropModuleRoles } from '../../src/shared/db/roles.ts';

/**
 * A database of its own for each test file on real Postgres (DATABASE_URL), so parallel files and
 * concurrent runs never collide; undefined on the embedded default (in-memory PGlite per file).
 */
export async function freshDatabase(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const base = process.env['DATABASE_URL'];
  if (!base) return { url: undefined, drop: async () => {} };
  const name = `cafe_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${name}" with (force)`);
      // Module roles are cluster-wide; their grants went with the database, so they drop cleanly now.
      await dropModuleRoles(a, name);
      await a.end();
    },
  };
}
