import { setImmediate } from 'node:timers';
import { PGlite } from '@electric-sql/pglite';

/**
 * How long PGlite may hold the event loop before a statement waits for one turn of it. Long
 * enough that a batch's statements still run back to back, short enough that a health probe or
 * a request never waits behind a whole migration run or a bus batch.
 */
export const TURN_MS = 50;

/**
 * PGlite with turns. Embedded Postgres runs its statements synchronously on this thread and
 * hands back promises that are already settled, so a chain of awaited statements runs entirely
 * in microtasks: timers, sockets and incoming requests wait until the whole chain is done
 * (measured: 2,000 statements, 350 ms, not one 1 ms timer fired). At start-up that kept
 * `/health/live` from answering for half a second; under a bus batch it held every request.
 * Before each statement this checks whether the loop has had a turn in the last `TURN_MS` and,
 * if not, gives it one. The statement still runs inside PGlite's own lock, so a transaction is
 * never interleaved with another statement: others simply queue for the lock as they would.
 */
export class FairPGlite extends PGlite {
  /** When the loop was last seen busy with no turn since; undefined once it has turned. */
  #heldSince: number | undefined;

  override async execProtocolStream(...args: Parameters<PGlite['execProtocolStream']>): ReturnType<PGlite['execProtocolStream']> {
    await this.#turnIfDue();
    return super.execProtocolStream(...args);
  }

  async #turnIfDue(): Promise<void> {
    if (this.#heldSince === undefined) {
      // The first statement since the loop last turned: note when, and let the loop tell us when it turns.
      this.#heldSince = performance.now();
      setImmediate(() => (this.#heldSince = undefined));
      return;
    }
    if (performance.now() - this.#heldSince >= TURN_MS) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
