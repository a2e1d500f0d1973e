import type postgres from 'postgres';

/**
 * How many distinct statements one client prepares. Postgres keeps a prepared statement per
 * connection until the connection closes, and postgres.js never deallocates one, so a client
 * that prepared every text it saw (multi-row inserts give a new text per row count) would grow
 * the server's memory without end. Past the cap, new texts run unnamed, as drizzle sends them.
 */
export const PREPARED_STATEMENTS_PER_CLIENT = 500;

/**
 * A postgres.js client whose drizzle queries run as prepared statements.
 *
 * drizzle sends every query-builder statement with `prepare: false` unless it was given a name,
 * and postgres.js sends an unnamed statement with parameters in two round trips: Parse and
 * Describe, wait for the parameter types, then Bind and Execute. A prepared statement costs
 * those two once per connection and one round trip from then on, which halves the wire time of
 * every insert and select a handler makes. Transactions and savepoints hand drizzle a new client,
 * so those are wrapped the same way, sharing one set of texts (and so one cap) with the pool.
 */
export function preparingClient(client: postgres.Sql, cap = PREPARED_STATEMENTS_PER_CLIENT): postgres.Sql {
  const texts = new Set<string>();
  const shouldPrepare = (text: string): boolean => {
    if (texts.has(text)) return true;
    if (texts.size >= cap) return false;
    texts.add(text);
    return true;
  };
  return wrap(client, shouldPrepare);
}

type Unsafe = (text: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;
type Scoped = (fn: (inner: postgres.Sql) => unknown) => unknown;

function wrap<T extends object>(sql: T, shouldPrepare: (text: string) => boolean): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'unsafe') {
        const unsafe = value as Unsafe;
        return (text: string, params?: unknown[], options?: { prepare?: boolean }) =>
          unsafe.call(target, text, params, options?.prepare === false && shouldPrepare(text) ? { ...options, prepare: true } : options);
      }
      if (property === 'begin' || property === 'savepoint') {
        const scoped = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const last = args.length - 1;
          const fn = args[last] as Parameters<Scoped>[0];
          args[last] = (inner: postgres.Sql) => fn(wrap(inner, shouldPrepare));
          return scoped.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}
