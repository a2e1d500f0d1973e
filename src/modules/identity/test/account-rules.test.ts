import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../domain/account.ts';

describe('Account emails', () => {
  it('keep one canonical spelling: trimmed and lower-cased', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
    expect(normalizeEmail('ada@example.com')).toBe('ada@example.com');
  });

  it('make two spellings of one address the same account', () => {
    expect(normalizeEmail('BOB@example.com')).toBe(normalizeEmail(' bob@EXAMPLE.com'));
  });
});
