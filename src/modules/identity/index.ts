/**
 * identity's public entry: what other modules may import. Accounts, password hashes and refresh
 * tokens stay inside; other modules learn who a caller is from the verified access token.
 */
import { z } from 'zod';
import { defineApi } from '../../shared/index.ts';

export const Role = z.enum(['customer', 'barista', 'admin']);
export type Role = z.infer<typeof Role>;

/** The role that operates the system: staff accounts, the menu, dead letters and queues. */
export const OPERATOR_ROLE: Role = 'admin';

export const UserDto = z.object({
  id: z.uuid(),
  email: z.email(),
  displayName: z.string(),
  role: Role,
});
export type UserDto = z.infer<typeof UserDto>;

export const identityApi = defineApi('identity', {
  getUser: { input: z.object({ id: z.uuid() }), output: UserDto.nullable(), idempotent: true },
});
export type IdentityApi = typeof identityApi;
