import { describe, expect, it } from 'vitest';
import { currentContext, runInContext } from '../../src/shared/context.ts';
import { inMemoryTracing } from '../../src/shared/telemetry/in-memory.ts';
import { carryTrace, continueTrace, continueTraces, type TraceCarrier } from '../../src/shared/telemetry/trace-context.ts';
import { inSpan } from '../../src/shared/telemetry/tracer.ts';
import { fromReadable } from './trace-tree.ts';

const spans = inMemoryTracing();
const collected = () => spans.getFinishedSpans().map(fromReadable);

/** A job carried out of a request of its own, as a placement hands its saga step on. */
function carriedFrom(request: string, correlationId: string): Promise<TraceCarrier> {
  return runInContext({ correlationId, requestId: request, user: { id: request, role: 'customer' } }, () =>
    inSpan(request, { parent: null }, async () => carryTrace()),
  );
}

describe('work done for several deferred jobs at once', () => {
  it('for one job, continues its trace', async () => {
    spans.reset();
    const job = await carriedFrom('place A', 'corr-a');
    await continueTraces([job], 'charge', async () => expect(currentContext()?.correlationId).toBe('corr-a'));
    const [request, charge] = ['place A', 'charge'].map((n) => collected().find((s) => s.name === n)!);
    expect(charge!.traceId).toBe(request!.traceId);
    expect(charge!.parentId).toBe(request!.spanId);
  });

  it('for several, starts its own trace linked to each, and each job’s effects continue that job’s trace', async () => {
    spans.reset();
    const jobs = [await carriedFrom('place A', 'corr-a'), await carriedFrom('place B', 'corr-b')];
    const seen: (string | undefined)[] = [];
    // Entered from inside request A, as a group flushed by A's placement would be.
    await runInContext({ correlationId: 'corr-a', requestId: 'place A', user: { id: 'A', role: 'customer' } }, () =>
      continueTraces(jobs, 'charges', async () => {
        seen.push(currentContext()?.correlationId, currentContext()?.requestId, currentContext()?.user?.id);
        for (const job of jobs) await continueTrace(job, 'settle', async () => seen.push(currentContext()?.correlationId));
      }),
    );
    const all = collected();
    const [a, b, group] = ['place A', 'place B', 'charges'].map((n) => all.find((s) => s.name === n)!);
    expect(group!.parentId).toBeUndefined();
    expect([a!.traceId, b!.traceId]).not.toContain(group!.traceId);
    expect(group!.links).toEqual([
      { traceId: a!.traceId, spanId: a!.spanId },
      { traceId: b!.traceId, spanId: b!.spanId },
    ]);
    const settles = all.filter((s) => s.name === 'settle');
    expect(settles.map((s) => [s.traceId, s.parentId])).toEqual([
      [a!.traceId, a!.spanId],
      [b!.traceId, b!.spanId],
    ]);
    // The group is nobody's request: a correlation of its own, no request id, no user.
    expect(seen[0]).not.toMatch(/^corr-/);
    expect(seen.slice(1)).toEqual([undefined, undefined, 'corr-a', 'corr-b']);
  });
});
