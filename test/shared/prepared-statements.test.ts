/**
 * drizzle's query-builder statements run prepared on Postgres, in and out of transactions, up to
 * the per-client cap, and not at all when the URL says `prepare=false`. Needs DATABASE_URL.
 */
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import { integer, pgSchema, text } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preparingClient } from '../../src/shared/db/prepared.ts';

const url = process.env['DATABASE_URL'];
if (!url) console.warn('prepared-statements.test.ts skipped: set DATABASE_URL to a Postgres server');

const schemaName = `prepared_${process.pid}_${Date.now()}`;
const schema = pgSchema(schemaName);
const cups = schema.table('cups', { id: integer('id').primaryKey(), size: text('size').notNull() });

describe.skipIf(!url)('prepared statements (real Postgres)', () => {
  const admin = url ? postgres(url, { max: 1, onnotice: () => {} }) : undefined;
  beforeAll(async () => {
    await admin!.unsafe(`create schema "${schemaName}"; create table "${schemaName}".cups (id int primary key, size text not null)`);
  });
  afterAll(async () => {
    await admin?.unsafe(`drop schema if exists "${schemaName}" cascade`);
    await admin?.end();
  });

  /** One connection, so the statements it lists are the ones this client prepared. */
  const open = (connection: string, cap?: number) => {
    const client = postgres(connection, { max: 1, onnotice: () => {} });
    const db = drizzle(preparingClient(client, cap));
    const prepared = async () => Number((await client`select count(*)::int as n from pg_prepared_statements where statement like '%cups%' and statement not like '%pg_prepared_statements%'`)[0]!['n']);
    return { client, db, prepared };
  };

  it('prepares builder statements once per text, in transactions too, and stops at the cap', async () => {
    const { client, db, prepared } = open(url!, 3);
    try {
      await db.insert(cups).values({ id: 1, size: 'small' });
      await db.select().from(cups).where(sql`${cups.id} = ${1}`);
      await db.select().from(cups).where(sql`${cups.id} = ${1}`);
      expect(await prepared()).toBe(2);
      await db.transaction(async (tx) => {
        await tx.update(cups).set({ size: 'large' }).where(sql`${cups.id} = ${1}`);
      });
      expect(await prepared()).toBe(3);
      // Past the cap a new text runs unnamed, and still runs.
      const rows = await db.select({ size: cups.size }).from(cups);
      expect(rows).toEqual([{ size: 'large' }]);
      expect(await prepared()).toBe(3);
    } finally {
      await client.end();
    }
  });

  it('prepares nothing when the URL turns prepared statements off', async () => {
    const off = new URL(url!);
    off.searchParams.set('prepare', 'false');
    const { client, db, prepared } = open(off.toString());
    try {
      await db.select().from(cups).where(sql`${cups.id} = ${1}`);
      await db.transaction((tx) => tx.select().from(cups));
      expect(await prepared()).toBe(0);
    } finally {
      await client.end();
    }
  });
});
