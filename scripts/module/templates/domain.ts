import type { ModuleNames } from '../names.ts';

/** domain/example.ts: pure rules, no storage, no HTTP. */
export const domain = (n: ModuleNames) => `/** The rules of ${n.kebab}'s examples, kept free of storage and HTTP. */

/** The longest name any configuration allows; the module's setting may only narrow it. */
export const NAME_LIMIT = 500;

export interface Example {
  id: string;
  name: string;
  addedBy: string;
  addedAt: string;
}

export type NameRefusal = { reason: 'name-too-long'; maxLength: number };

/** How names compare: "Big  Idea" and "big idea" are one name. */
export function nameKey(name: string): string {
  return name.trim().replace(/\\s+/g, ' ').toLowerCase();
}

/** Counted in characters as people see them, not UTF-16 units. */
export function checkName(name: string, maxLength: number): NameRefusal | undefined {
  return [...name].length > maxLength ? { reason: 'name-too-long', maxLength } : undefined;
}
`;

/** test/example-rules.test.ts: the domain's rules as pure functions. */
export const domainTest = (n: ModuleNames) => `import { describe, expect, it } from 'vitest';
import { checkName, nameKey } from '../domain/example.ts';

describe('${n.kebab} example names', () => {
  it('compare without case and runs of spaces', () => {
    expect(nameKey('  Big   Idea ')).toBe('big idea');
    expect(nameKey('big idea')).toBe(nameKey('BIG IDEA'));
    expect(nameKey('big idea')).not.toBe(nameKey('bigidea'));
  });

  it('are refused beyond the maximum length, counted in characters', () => {
    expect(checkName('abc', 3)).toBeUndefined();
    expect(checkName('abcd', 3)).toEqual({ reason: 'name-too-long', maxLength: 3 });
    expect(checkName('🥐🥐🥐', 3)).toBeUndefined();
  });
});
`;
