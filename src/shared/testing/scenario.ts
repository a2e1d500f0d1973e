import type { Envelope, EventContract, PayloadOf } from '../bus/contract.ts';
import type { BusObservation, EventBus } from '../bus/event-bus.ts';

export class ScenarioTimeout extends Error {
  override name = 'ScenarioTimeout';
}

interface Within {
  /** How long to wait, in ms. */
  within?: number;
}

/**
 * Expectations about eventual outcomes, in the spirit of Spring Modulith's Scenario API:
 * "when this runs, expect this event (or this state) within N ms" instead of sleeping.
 *
 *   const { result, event } = await scenario(bus)
 *     .when(() => post('/api/catalog/items', item))
 *     .expectEvent(ItemChanged, { where: (p) => p.itemId === id, within: 2000 });
 */
export function scenario(bus: EventBus) {
  return {
    when<R>(command: () => Promise<R>) {
      return {
        /** Waits for a published event of the given contract matching `where`. */
        async expectEvent<E extends EventContract>(
          event: E,
          options: Within & { where?: (payload: PayloadOf<E>, result: R) => boolean } = {},
        ): Promise<{ result: R; event: Envelope<PayloadOf<E>> }> {
          const seen: Envelope[] = [];
          let resolveSeen: () => void = () => {};
          const off = bus.observe((o) => {
            if (o.kind === 'published' && o.envelope.type === event.type) {
              seen.push(o.envelope);
              resolveSeen();
            }
          });
          try {
            const result = await command();
            const match = () => seen.find((e) => !options.where || options.where(e.payload as PayloadOf<E>, result));
            const found = await waitFor(
              async () => match(),
              options.within ?? 2000,
              `no ${event.type} event${options.where ? ' matching the condition' : ''} (saw ${seen.length})`,
              (wake) => (resolveSeen = wake),
            );
            return { result, event: found as Envelope<PayloadOf<E>> };
          } finally {
            off();
          }
        },
        /** Waits until the subscription has handled an event of the given contract. */
        async expectHandled<E extends EventContract>(
          subscription: string,
          event: E,
          options: Within & { where?: (payload: PayloadOf<E>, result: R) => boolean } = {},
        ): Promise<{ result: R; event: Envelope<PayloadOf<E>> }> {
          const handled: Envelope[] = [];
          let wake: () => void = () => {};
          const off = bus.observe((o: BusObservation) => {
            if (o.kind === 'handled' && o.subscription === subscription && o.envelope.type === event.type) {
              handled.push(o.envelope);
              wake();
            }
          });
          try {
            const result = await command();
            const found = await waitFor(
              async () => handled.find((e) => !options.where || options.where(e.payload as PayloadOf<E>, result)),
              options.within ?? 2000,
              `${subscription} did not handle ${event.type}`,
              (w) => (wake = w),
            );
            return { result, event: found as Envelope<PayloadOf<E>> };
          } finally {
            off();
          }
        },
        /** Waits until `probe` returns a value that passes `until`. */
        async expectState<S>(probe: (result: R) => Promise<S>, until: (state: S) => boolean, options: Within = {}): Promise<{ result: R; state: S }> {
          const result = await command();
          const state = await eventually(() => probe(result), until, options);
          return { result, state };
        },
      };
    },
  };
}

/** Polls `probe` until `until` holds, then returns the state; fails with the last state seen. */
export async function eventually<S>(probe: () => Promise<S>, until: (state: S) => boolean, options: Within & { interval?: number } = {}): Promise<S> {
  const deadline = Date.now() + (options.within ?? 2000);
  let last: S | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (until(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const shown = lastError instanceof Error ? `error ${lastError.message}` : JSON.stringify(last)?.slice(0, 500);
      throw new ScenarioTimeout(`state not reached within ${options.within ?? 2000} ms; last: ${shown}`);
    }
    await new Promise((r) => setTimeout(r, options.interval ?? 20));
  }
}

async function waitFor<T>(check: () => Promise<T | undefined>, within: number, message: string, onWake: (wake: () => void) => void): Promise<T> {
  const deadline = Date.now() + within;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) throw new ScenarioTimeout(`${message} within ${within} ms`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.min(left, 50));
      onWake(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
