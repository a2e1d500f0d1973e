import { z } from 'zod';
import { positiveInt } from '../../shared/index.ts';

/** The order saga's settings. */
export const orderingSettings = z.object({
  SAGA_POLL_MS: positiveInt.default(1000).describe("how often the saga's scheduler looks for due steps"),
  SAGA_RETRY_MS: positiveInt.default(1000).describe('first retry delay of a step whose module was unavailable; doubles per attempt'),
  SAGA_RETRY_MAX_MS: positiveInt.default(60_000).describe('cap of that retry delay'),
  SAGA_LEASE_SECONDS: positiveInt.default(30).describe('how long a claimed saga step stays with its runner before another process may take it over'),
  SAGA_BATCH_SIZE: positiveInt.default(200).describe('saga steps claimed per scheduler round'),
  IDEMPOTENCY_KEY_TTL_SECONDS: positiveInt
    .default(86_400)
    .describe("how long an order's Idempotency-Key answers with that order; afterwards the key is free and places a new order (ADR 16)"),
  IDEMPOTENCY_PURGE_INTERVAL_SECONDS: positiveInt.default(3600).describe('how often expired Idempotency-Keys are cleared from the orders they came with'),
});
