import type { Metrics } from '../metrics.ts';
import type { Db } from './database.ts';

/**
 * A module's database handle whose transactions are counted: waiting (asked for, no connection
 * yet) and in use (holding one). postgres.js does not expose its pool's queue, and a transaction
 * is what holds a connection longest, so these two are what pool exhaustion looks like. The handle
 * inherits everything else from the module's own.
 */
export function countTransactions(db: Db, module: string, metrics: Metrics, poolSize: number): Db {
  metrics.dbPoolSize.set({ module }, poolSize);
  const inUse = metrics.dbTransactionsInUse.labels(module);
  const waiting = metrics.dbTransactionsWaiting.labels(module);
  inUse.set(0);
  waiting.set(0);
  const counted = Object.create(db) as Db;
  counted.transaction = ((work: Parameters<Db['transaction']>[0], config?: Parameters<Db['transaction']>[1]) => {
    waiting.inc();
    let begun = false;
    return db
      .transaction(async (tx) => {
        begun = true;
        waiting.dec();
        inUse.inc();
        try {
          return await work(tx);
        } finally {
          inUse.dec();
        }
      }, config)
      .finally(() => {
        if (!begun) waiting.dec();
      });
  }) as Db['transaction'];
  return counted;
}
