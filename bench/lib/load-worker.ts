/**
 * The load generator, always a process of its own so it never shares an event loop with the
 * server under test. Reads its plan as JSON from argv[2], runs autocannon and prints one JSON
 * line with the outcome.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { LoadPlan, LoadOutcome } from './load.ts';

const plan = JSON.parse(process.argv[2]!) as LoadPlan;
let n = 0;
const variants = plan.variants ?? [{}];

const result = await autocannon({
  url: plan.url,
  connections: plan.connections,
  duration: plan.durationSeconds,
  method: plan.method ?? 'GET',
  headers: plan.headers,
  body: plan.body,
  requests: [
    {
      setupRequest: (req: Record<string, unknown>) => {
        // Each request takes the next variant (another customer, another body) and, when asked,
        // a fresh idempotency key, as real clients would send.
        const v = variants[n++ % variants.length]!;
        const headers = { ...(req['headers'] as Record<string, string>), ...plan.headers, ...v.headers };
        if (plan.uniqueHeader) headers[plan.uniqueHeader] = randomUUID();
        return { ...req, headers, ...(v.body !== undefined ? { body: v.body } : {}) };
      },
    },
  ],
});

const outcome: LoadOutcome = {
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  seconds: result.duration,
  okPerSecond: result['2xx'] / result.duration,
  latencyP50: result.latency.p50,
  latencyP99: result.latency.p99,
};
process.stdout.write(JSON.stringify(outcome) + '\n');
