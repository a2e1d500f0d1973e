import { z } from 'zod';
import { positiveInt } from '../../shared/index.ts';

/** payments' settings. */
export const paymentsSettings = z.object({
  WALLET_SNAPSHOT_EVERY: positiveInt
    .max(100_000)
    .default(100)
    .describe("a wallet's folded state is snapshotted every this many events, so loading a wallet folds fewer than this many events after it (ADR 16)"),
});
