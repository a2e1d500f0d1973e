import { z } from 'zod';

/** storefront's settings. */
export const storefrontSettings = z.object({
  READ_CACHE_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(1000)
    .describe("how long the menu view may be answered from memory; a process sees its own writes at once, other instances' within this time; `0` turns it off (ADR 9)"),
});
