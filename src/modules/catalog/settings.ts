import { z } from 'zod';
import { bool } from '../../shared/index.ts';

/** catalog's settings. */
export const catalogSettings = z.object({
  SEED_DEMO_MENU: bool.optional().describe('seed a small demo menu into an empty catalog (default: on for the embedded database only)'),
  READ_CACHE_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(1000)
    .describe("how long item reads may be answered from memory; a process sees its own writes at once, other instances' within this time; `0` turns it off (ADR 9)"),
});
