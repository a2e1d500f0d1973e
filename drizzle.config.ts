import { defineConfig } from 'drizzle-kit';

/**
 * drizzle-kit works on one module at a time, so each module's migrations live in its own folder
 * and touch only its own schema: `MODULE=catalog npx drizzle-kit generate`, or
 * `npm run db:generate` for all of them.
 */
const module = process.env['MODULE'];
if (!module) throw new Error('Set MODULE=<module name> (or run npm run db:generate)');

export default defineConfig({
  dialect: 'postgresql',
  schema: `./src/modules/${module}/db/schema.ts`,
  out: `./migrations/${module}`,
  // A module's schema is its name in snake_case (`loyalty-points` keeps `loyalty_points`).
  schemaFilter: [module.replaceAll('-', '_')],
});
