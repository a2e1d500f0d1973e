/**
 * The page's one door to the café: the typed client of the public API and the signed-in
 * session. Tokens live in sessionStorage, so a session ends with its tab and is never shared
 * with another tab or kept on disk after the browser closes.
 */
import { bearer, createCafeClient, type components, type Problem } from '../../clients/typescript/index.ts';

export type MenuEntry = components['schemas']['MenuEntry'];
export type Order = components['schemas']['Order'];
export type OrderStatus = Order['status'];
export type Ticket = components['schemas']['Ticket'];
export type User = components['schemas']['User'];
type TokenPair = components['schemas']['TokenPair'];

export const cafe = createCafeClient({ baseUrl: location.origin });

const KEY = 'cafe.session';

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export function storedTokens(): Tokens | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Tokens>) : undefined;
    return parsed?.accessToken && parsed.refreshToken ? { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken } : undefined;
  } catch {
    return undefined;
  }
}

export function keepTokens(pair: TokenPair): void {
  sessionStorage.setItem(KEY, JSON.stringify({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }));
}

const endedListeners = new Set<() => void>();

/** Called when the session ends by itself (its refresh token refused), so the page can show sign-in again. */
export function onSessionEnded(listener: () => void): () => void {
  endedListeners.add(listener);
  return () => endedListeners.delete(listener);
}

export function forgetTokens(): void {
  sessionStorage.removeItem(KEY);
}

// One refresh at a time: the server treats a second use of a refresh token as theft and ends the session.
let refreshing: Promise<boolean> | undefined;

function refresh(refreshToken: string): Promise<boolean> {
  refreshing ??= cafe
    .POST('/api/identity/refresh', { body: { refreshToken } })
    .then(({ data }) => {
      if (data) keepTokens(data);
      return data !== undefined;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

/**
 * Runs a call with the session's bearer token. Access tokens are short-lived: on a 401 the
 * session is refreshed once and the call repeated; if that fails too the session has ended.
 */
export async function authed<R extends { response: Response }>(call: (headers: { Authorization: string }) => Promise<R>): Promise<R> {
  const tokens = storedTokens();
  const first = await call(bearer(tokens?.accessToken ?? ''));
  if (first.response.status !== 401 || !tokens) return first;
  if (!(await refresh(tokens.refreshToken))) {
    forgetTokens();
    for (const listener of endedListeners) listener();
    return first;
  }
  return call(bearer(storedTokens()!.accessToken));
}

/** The problem's last type segment, the part clients switch on. */
export function problemSlug(error: Problem | undefined): string | undefined {
  return error?.type.split('/').pop();
}

/** What to tell a person about a failed call: the problem's own detail, with each bad field. */
export function problemText(error: Problem | undefined): string {
  if (!error) return 'Something went wrong; please try again.';
  const fields = error.errors?.map((e) => `${e.field}: ${e.message}`) ?? [];
  return [error.detail, ...fields].join(' — ');
}

/** A thrown fetch means the network, not the café, said no. */
export const UNREACHABLE = 'The café cannot be reached just now; please try again.';

const euros = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });
export const money = (cents: number) => euros.format(cents / 100);

/** Orders and tickets are shown by the start of their id, which the customer and the barista both see. */
// The tail of a UUIDv7 is random; its head is the clock, shared by orders placed within a minute.
export const shortId = (id: string) => id.slice(-8);

export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ['COMPLETED', 'REJECTED', 'CANCELLED'];

/**
 * A fresh idempotency key. crypto.randomUUID needs a secure context, which a café reached over
 * plain HTTP on its own network is not; getRandomValues works everywhere.
 */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
