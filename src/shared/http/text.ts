import type { z } from 'zod';

/**
 * Characters no stored text may hold: C0 and C1 controls (NUL breaks Postgres text, ESC starts
 * terminal escapes), and the bidirectional embeddings, overrides and isolates that make a text
 * display differently from what it contains. Line breaks and tabs are allowed only in multi-line
 * fields.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- as above
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSAFE_TEXT_MESSAGE = 'must not contain control characters, bidirectional overrides or unpaired surrogates';

/** True when `value` is text a person could have meant: well-formed UTF-16 without the characters above. */
export function isSafeText(value: string, options: { multiline?: boolean } = {}): boolean {
  return !UNPAIRED_SURROGATE.test(value) && !(options.multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).test(value);
}

/** A string schema that refuses unsafe text with a 400 naming the field. */
export function safeText<T extends z.ZodType<string>>(schema: T, options: { multiline?: boolean } = {}): T {
  return schema.refine((v) => isSafeText(v, options), UNSAFE_TEXT_MESSAGE) as unknown as T;
}
