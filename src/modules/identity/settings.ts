import { z } from 'zod';
import { positiveInt } from '../../shared/config.ts';

/** identity's settings: token lifetimes, password hashing, the admin bootstrap. */
export const identitySettings = z
  .object({
    ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(900).describe('access-token lifetime'),
    REFRESH_TOKEN_TTL_SECONDS: positiveInt.default(60 * 60 * 24 * 30).describe('refresh-token lifetime (30 days)'),
    PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(17).describe("log2 of scrypt's N (17 = 128 MiB per hash, OWASP's recommendation)"),
    ADMIN_EMAIL: z.string().email().optional().describe('with `ADMIN_PASSWORD`: an admin account with these credentials exists after start'),
    ADMIN_PASSWORD: z.string().min(8).optional().describe('the admin account\'s password (set both or neither)'),
  })
  .refine((s) => (s.ADMIN_EMAIL === undefined) === (s.ADMIN_PASSWORD === undefined), {
    message: 'set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither',
    path: ['ADMIN_EMAIL'],
  });
