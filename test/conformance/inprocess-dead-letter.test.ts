/** The in-process transport never settles an event it could neither deliver nor dead-letter. */
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/shared/bus/contract.ts';
import { InProcessTransport } from '../../src/shared/bus/inprocess-transport.ts';
import { DeadLetterNotRecorded, type Deliver } from '../../src/shared/bus/transport.ts';
import { createLogger } from '../../src/shared/logger.ts';

const envelope: Envelope = {
  id: '01900000-0000-7000-8000-000000000001',
  type: 'probe.pinged',
  version: 1,
  occurredAt: new Date().toISOString(),
  source: 'probe',
  correlationId: 'c',
  causationId: null,
  traceparent: null,
  payload: { n: 1 },
};

async function dispatchWith(deliver: Deliver): Promise<{ outcome: 'resolved' | 'rejected'; error?: unknown; attempts: number }> {
  const transport = new InProcessTransport({ maxAttempts: 3, backoffMs: 1, concurrency: 4 }, createLogger('silent'));
  let attempts = 0;
  await transport.start({
    deliver: async (...args) => {
      attempts++;
      return deliver(...args);
    },
    subscriptionsFor: () => ['probe.record-a'],
    subscriptions: () => ['probe.record-a'],
  });
  try {
    await transport.dispatch(envelope);
    return { outcome: 'resolved', attempts };
  } catch (error) {
    return { outcome: 'rejected', error, attempts };
  } finally {
    await transport.stop();
  }
}

describe('in-process transport, last attempt', () => {
  it('settles the event once the deliverer recorded the dead letter', async () => {
    const r = await dispatchWith(async () => {
      throw new Error('handler failed');
    });
    expect(r).toMatchObject({ outcome: 'resolved', attempts: 3 });
  });

  it('fails the dispatch, so the outbox keeps the event, when the dead letter could not be written', async () => {
    const r = await dispatchWith(async (sub, env, _attempt, final) => {
      if (final) throw new DeadLetterNotRecorded(sub, env.id, new Error('database down'));
      throw new Error('database down');
    });
    expect(r.outcome).toBe('rejected');
    expect(r.error).toBeInstanceOf(DeadLetterNotRecorded);
    expect(r.attempts).toBe(3);
  });
});
