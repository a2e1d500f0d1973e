import { boolean, integer, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { busTables } from '../../../shared/index.ts';

export const catalog = pgSchema('catalog');
export const { outbox, inbox } = busTables(catalog);

export const items = catalog.table('items', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  priceCents: integer('price_cents').notNull(),
  available: boolean('available').notNull().default(true),
  /** Optimistic concurrency: every change bumps it; a PATCH may state the version it saw. */
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
