/**
 * Runs a drizzle query as a prepared statement. On Postgres (postgres.js) an unprepared statement
 * with parameters costs two round trips (it asks the server for the parameter types first) and
 * cannot be pipelined; a prepared one costs one, and the connection keeps it for next time. On
 * PGlite it makes no difference. The name is only drizzle's label: postgres.js names and caches
 * statements by their text.
 */
export function once<T>(query: { prepare(name: string): { execute(): Promise<T> } }): Promise<T> {
  return query.prepare('ordering').execute();
}
