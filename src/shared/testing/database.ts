import postgres from 'postgres';
import { dropModuleRoles } from '../db/roles.ts';

/**
 * A database of its own on a Postgres server (tests, benchmarks), so parallel runs never collide.
 * `drop` removes it with the module roles its migrations created: roles are cluster-wide, and
 * their grants went with the database, so they drop cleanly then.
 */
export async function createScratchDatabase(base: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
        await dropModuleRoles(a, name);
      } finally {
        await a.end();
      }
    },
  };
}
