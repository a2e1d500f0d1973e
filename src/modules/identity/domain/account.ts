import type { Role } from '../index.ts';

export type { Role };

export interface Account {
  id: string;
  email: string;
  displayName: string;
  role: Role;
}

/** Emails compare case-insensitively; we keep one canonical spelling. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const MIN_PASSWORD_LENGTH = 8;
