/**
 * The statement's page cursor. Opaque to clients so that what it holds (today the stream version
 * the page ended at) may change without breaking them; a cursor is not secret and carries no
 * authority: it only says where in the caller's own stream to continue.
 */

/** Movements per statement page: a default that shows a usual wallet whole, and a bound. */
export const STATEMENT_PAGE = { default: 100, max: 500 } as const;

/** The cursor's own layout version: a later layout gets another prefix, and old cursors still read. */
const PREFIX = 'w1:';
/** Versions are Postgres integers. */
const MAX_VERSION = 2 ** 31 - 1;

export function encodeCursor(afterVersion: number): string {
  return Buffer.from(`${PREFIX}${afterVersion}`).toString('base64url');
}

/** The version the page continues after, or undefined when the text is not a cursor this server wrote. */
export function decodeCursor(cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  const match = /^(0|[1-9][0-9]{0,9})$/.exec(text.slice(PREFIX.length));
  if (!match) return undefined;
  const version = Number(match[1]);
  return version <= MAX_VERSION ? version : undefined;
}
