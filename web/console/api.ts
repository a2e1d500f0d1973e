/**
 * The console's calls to the API: the operator's access token in the Authorization header, kept
 * in this tab's session storage (gone when the tab closes), problems turned into readable errors.
 */
const KEY = 'cafe-console-token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onUnauthorized: (message: string) => void = () => {};

export const session = {
  token: (): string | null => sessionStorage.getItem(KEY),
  set: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
  /** Called when the API refuses the token (expired, signed out elsewhere): back to sign-in. */
  whenRefused(handler: (message: string) => void) {
    onUnauthorized = handler;
  },
};

async function problemText(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { detail?: string; errors?: { field: string; message: string }[] };
    const fields = body.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    return [body.detail, fields].filter(Boolean).join(' — ') || `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const token = init.token ?? session.token();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (!res.ok) {
    const message = await problemText(res);
    if (res.status === 401 && init.token === undefined) onUnauthorized(message);
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}
