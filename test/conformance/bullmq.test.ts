import { afterAll } from 'vitest';
import { dropPrefix, redisUrl, uniquePrefix } from './harness.ts';
import { describeTransportConformance } from './transport-conformance.ts';

// Runs against a real Redis (REDIS_URL, or the local default), in a namespace of its own.
const prefix = uniquePrefix('conformance');
afterAll(() => dropPrefix(prefix));

describeTransportConformance('bullmq', { EVENT_TRANSPORT: 'bullmq', REDIS_URL: redisUrl(), BULLMQ_PREFIX: prefix });
