import { runInContext } from '../context.ts';
import type { Tx } from '../db/database.ts';
import type { Metrics } from '../metrics.ts';
import type { Envelope } from './contract.ts';
import { handlerContext } from './envelope.ts';
import { claimInbox, DuplicateDelivery, handledAlready } from './inbox.ts';
import type { Observations } from './observations.ts';
import type { Outbox } from './outbox.ts';
import type { SubscriptionRuntime } from './registry.ts';
import { handlerSpan, outcome, transactionSpan } from './spans.ts';
import type { Commit, Publish } from './subscription.ts';
import { activeContext, withContext, type Context } from '../telemetry/tracer.ts';
import { isFailed, type BatchOutcome } from './transport.ts';

/** Rejects a handler's `commit` when another handler's failure rolled back the shared batch. */
export class BatchAborted extends Error {
  constructor() {
    super('batch rolled back because of another event; delivering this one on its own');
  }
}

export interface BatchDeps {
  outbox: Outbox;
  observations: Observations;
  metrics: Metrics;
}

interface Member {
  index: number;
  envelope: Envelope;
  effects?: (tx: Tx, publish: Publish) => Promise<unknown>;
  settle?: { resolve(v: unknown): void; reject(e: unknown): void };
  handled: Promise<void>;
  /** The tracing context of its handler's span (undefined when tracing is off). */
  tracing?: Context;
  /** Its handler said the effects touch only its key's rows (`commit(effects, { touches: 'key' })`). */
  touchesKey?: boolean;
  /** Its event's key, once the batch is put in key order. */
  key?: string;
}

/**
 * First attempts of many events for one subscription, with every handler's effects and inbox
 * rows committed in ONE transaction: the throughput path of the in-process transport.
 * Handlers run as usual up to `commit`, so their reads and API calls stay outside any
 * transaction. If one handler's effects throw, the whole transaction rolls back: that event is
 * reported `failed` (its attempt counted) and the others `aborted`, to be delivered one by one
 * at once. Nothing here is ever a final attempt, so no dead letter is written on this path.
 */
export async function deliverBatch(deps: BatchDeps, runtime: SubscriptionRuntime, envelopes: readonly Envelope[]): Promise<BatchOutcome[]> {
  const started = performance.now();
  const outcomes: BatchOutcome[] = envelopes.map(() => 'aborted');

  const members = await runUpToCommit(deps, runtime, envelopes, outcomes);
  const committing = inKeyOrder(runtime, members.filter((m) => m.effects && !isFailed(outcomes[m.index]!)));
  // A rolled-back batch is timed by the single deliveries that follow it.
  if (committing.length > 0 && !(await commitTogether(deps, runtime, committing, outcomes))) return outcomes;

  const seconds = (performance.now() - started) / 1000 / Math.max(1, envelopes.length);
  for (let i = 0; i < envelopes.length; i++) deps.metrics.handlerDuration.observe({ subscription: runtime.subscription.name }, seconds);
  return outcomes;
}

/**
 * The members ordered by their event's key (see `EventContract.key`), stably, so events about
 * one aggregate keep their order; unchanged when the event declares no key.
 */
function inKeyOrder(runtime: SubscriptionRuntime, members: Member[]): Member[] {
  const key = runtime.subscription.event.key;
  if (!key || members.length < 2) return members;
  const keyOf = (m: Member): string => {
    try {
      return key(m.envelope.payload);
    } catch {
      return '';
    }
  };
  for (const m of members) m.key = keyOf(m);
  return members.sort((a, b) => (a.key! < b.key! ? -1 : a.key! > b.key! ? 1 : 0));
}

/**
 * The members in lanes that may run side by side: one lane per key when every member's effects
 * touch only their key's rows, else one lane for all. A lane runs in order (the batch is in key
 * order already, so a key's members are next to each other).
 */
function lanes(members: Member[]): Member[][] {
  if (members.length < 2 || !members.every((m) => m.touchesKey && m.key !== undefined && m.key !== '')) return [members];
  const out: Member[][] = [];
  for (const m of members) {
    const last = out[out.length - 1];
    if (last && last[0]!.key === m.key) last.push(m);
    else out.push([m]);
  }
  return out;
}

/**
 * Starts every handler and resolves once each has either called `commit` (its effects are
 * parked on the member) or failed before getting there.
 */
async function runUpToCommit(deps: BatchDeps, runtime: SubscriptionRuntime, envelopes: readonly Envelope[], outcomes: BatchOutcome[]): Promise<Member[]> {
  const { subscription } = runtime;
  const done = await handledAlready(runtime, envelopes);
  const members: Member[] = [];
  const firstOf = new Set<string>();
  const ready: Promise<unknown>[] = [];
  envelopes.forEach((envelope, index) => {
    if (done.has(envelope.id)) {
      outcomes[index] = 'handled';
      deps.observations.handled(subscription.name, envelope, 'duplicate');
      return;
    }
    // The same event twice in one batch: the repeat goes the single way and meets the inbox.
    if (firstOf.has(envelope.id)) return;
    firstOf.add(envelope.id);
    const member: Member = { index, envelope, handled: Promise.resolve() };
    let markReady!: () => void;
    ready.push(new Promise<void>((r) => (markReady = r)));
    const commit: Commit = (effects, options) => {
      if (member.effects) return Promise.reject(new Error(`${subscription.name} called commit twice`));
      member.effects = effects;
      member.touchesKey = options?.touches === 'key';
      const settled = new Promise<never>((resolve, reject) => (member.settle = { resolve: resolve as (v: unknown) => void, reject }));
      markReady();
      return settled;
    };
    member.handled = handlerSpan(
      subscription.name,
      envelope,
      1,
      false,
      async (span) => {
        member.tracing = activeContext();
        try {
          await runInContext(handlerContext(envelope), async () => {
            const payload = subscription.event.payload.parse(envelope.payload);
            await subscription.handle(payload, { envelope, attempt: 1, commit });
            if (!member.effects) await commit(async () => undefined);
          });
          outcome(span, 'handled');
        } catch (err) {
          outcome(span, err instanceof DuplicateDelivery ? 'duplicate' : err instanceof BatchAborted ? 'aborted' : 'failed');
          throw err;
        }
      },
      (err) => err instanceof DuplicateDelivery || err instanceof BatchAborted,
    );
    // A handler that fails before reaching commit is ready too, as a failure.
    member.handled.then(markReady, (err: unknown) => {
      if (!member.effects) {
        outcomes[index] = { failed: err };
        deps.observations.failed(subscription.name, envelope, 1, err);
      }
      markReady();
    });
    members.push(member);
  });
  await Promise.all(ready);
  return members;
}

/**
 * Runs the parked effects in one transaction, then lets each handler's `commit` return.
 * False when the transaction rolled back.
 */
async function commitTogether(deps: BatchDeps, runtime: SubscriptionRuntime, committing: Member[], outcomes: BatchOutcome[]): Promise<boolean> {
  const { outbox, observations } = deps;
  const { module, subscription } = runtime;
  const writer = outbox.writer(module.module);
  let culprit: Member | undefined;
  const duplicates = new Set<Member>();
  const results = new Map<Member, unknown>();
  try {
    const run = () =>
      module.db.transaction(async (tx) => {
        const claimed = await claimInbox(tx, runtime, committing.map((m) => m.envelope), 1);
        for (const m of committing) if (!claimed.has(m.envelope.id)) duplicates.add(m);
        const applying = committing.filter((m) => !duplicates.has(m));
        // Under its own handler's span, so the events it publishes continue its event's trace.
        const apply = async (m: Member) => {
          results.set(m, await withContext(m.tracing, () => runInContext(handlerContext(m.envelope), () => m.effects!(tx, writer.publish))));
        };
        const byLane = lanes(applying);
        if (byLane.length === 1) {
          for (const m of applying) {
            culprit = m;
            await apply(m);
          }
          culprit = undefined;
        } else {
          // Every lane's statements go out pipelined. The first effect to fail is the culprit: after
          // it, the other lanes' statements only report that the transaction was aborted.
          let failure: { member: Member; err: unknown } | undefined;
          await Promise.allSettled(
            byLane.map(async (lane) => {
              for (const m of lane) {
                if (failure) return;
                await apply(m).catch((err: unknown) => void (failure ??= { member: m, err }));
              }
            }),
          );
          if (failure) {
            culprit = failure.member;
            throw failure.err;
          }
        }
        await writer.flush(tx);
      });
    await transactionSpan(module.module, run, committing.map((m) => m.tracing));
  } catch (err) {
    for (const m of committing) {
      if (m === culprit) {
        outcomes[m.index] = { failed: err };
        observations.failed(subscription.name, m.envelope, 1, err);
        m.settle!.reject(err);
      } else {
        m.settle!.reject(new BatchAborted());
      }
    }
    await Promise.allSettled(committing.map((m) => m.handled));
    return false;
  }
  for (const m of committing) {
    if (duplicates.has(m)) m.settle!.reject(new DuplicateDelivery());
    else m.settle!.resolve(results.get(m));
  }
  outbox.committed(module.module, writer);
  for (const m of committing) {
    try {
      await m.handled;
      outcomes[m.index] = 'handled';
      observations.handled(subscription.name, m.envelope, duplicates.has(m) ? 'duplicate' : 'handled');
    } catch (err) {
      if (err instanceof DuplicateDelivery) {
        outcomes[m.index] = 'handled';
        observations.handled(subscription.name, m.envelope, 'duplicate');
      } else {
        // Effects committed, then the handler threw: a retry meets the inbox, as on the single path.
        outcomes[m.index] = { failed: err };
        observations.failed(subscription.name, m.envelope, 1, err);
      }
    }
  }
  return true;
}
