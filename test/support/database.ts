import { createScratchDatabase } from '../../src/shared/testing/database.ts';

/**
 * A database of its own for each test file on real Postgres (DATABASE_URL), so parallel files and
 * concurrent runs never collide; undefined on the embedded default (in-memory PGlite per file).
 */
export async function freshDatabase(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  const base = process.env['DATABASE_URL'];
  if (!base) return { url: undefined, drop: async () => {} };
  return createScratchDatabase(base, 'cafe_test');
}
