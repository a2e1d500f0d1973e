import { afterAll, describe, it } from 'vitest';
import { dropPrefix, redisUrl, uniquePrefix } from './harness.ts';
import { describeTransportConformance } from './transport-conformance.ts';

// Runs against the real Redis at REDIS_URL, in a namespace of its own. Without REDIS_URL (a fresh
// machine with no services) the skip is reported by name; CI always sets it.
if (process.env['REDIS_URL']) {
  const prefix = uniquePrefix('conformance');
  afterAll(() => dropPrefix(prefix));
  describeTransportConformance('bullmq', { EVENT_TRANSPORT: 'bullmq', REDIS_URL: redisUrl(), BULLMQ_PREFIX: prefix });
} else {
  describe.skip('transport conformance: bullmq (set REDIS_URL to run against a real Redis)', () => {
    it('needs REDIS_URL', () => {});
  });
}
