/**
 * Statements started together on one transaction's connection are pipelined: Postgres gets them
 * in one round trip and runs them in the order they were started. Waits for all of them, so none
 * is left running when the transaction ends, and throws the error of the first one that failed:
 * a later statement in an aborted transaction only reports that the transaction was aborted.
 */
export async function together<T extends readonly unknown[]>(...statements: { [K in keyof T]: PromiseLike<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(statements);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
