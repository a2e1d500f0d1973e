import type { ModuleNames } from '../names.ts';

/** db/schema.ts: the module's own Postgres schema, with the outbox and inbox the kernel expects. */
export const schema = (n: ModuleNames) => `import { pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { busTables } from '../../../shared/index.ts';

/** Only ${n.kebab} touches this schema; after a change here, \`npm run db:generate -- ${n.kebab}\`. */
export const ${n.camel}Schema = pgSchema('${n.snake}');
export const { outbox, inbox } = busTables(${n.camel}Schema);

export const examples = ${n.camel}Schema.table('examples', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  /** The name as names compare (domain's nameKey): unique, so the database settles two adds of one name. */
  nameKey: text('name_key').notNull().unique(),
  addedBy: uuid('added_by').notNull(),
  addedAt: timestamp('added_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
});
`;

/** db/example-store.ts: persistence behind the use cases. */
export const store = (_n: ModuleNames) => `import type { Executor } from '../../../shared/index.ts';
import type { Example } from '../domain/example.ts';
import { examples } from './schema.ts';

export class ExampleStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): ExampleStore {
    return new ExampleStore(tx);
  }

  /** Undefined when an example of that name exists already. */
  async insert(example: { id: string; name: string; key: string; addedBy: string }): Promise<Example | undefined> {
    const [row] = await this.db
      .insert(examples)
      .values({ id: example.id, name: example.name, nameKey: example.key, addedBy: example.addedBy })
      .onConflictDoNothing({ target: examples.nameKey })
      .returning({ id: examples.id, name: examples.name, addedBy: examples.addedBy, addedAt: examples.addedAt });
    return row ? { ...row, addedAt: new Date(row.addedAt).toISOString() } : undefined;
  }
}
`;
