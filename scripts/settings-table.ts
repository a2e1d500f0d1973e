import type { z } from 'zod';
import type { SettingsSchema } from '../src/shared/config.ts';

/** A settings schema as a table: variable, default, meaning (the `.describe()` text). */
export function settingsTable(schema: SettingsSchema): string[] {
  const rows = ['| variable | default | meaning |', '|---|---|---|'];
  for (const [name, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
    const def = field._zod.def as { type: string; defaultValue?: unknown };
    const fallback = def.type === 'default' ? `\`${String(def.defaultValue)}\`` : '(unset)';
    rows.push(`| \`${name}\` | ${fallback} | ${(field.description ?? '').replace(/\|/g, '\\|')} |`);
  }
  return rows;
}

