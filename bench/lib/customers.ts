import type { RunningServer } from './server.ts';

export interface Account {
  id: string;
  token: string;
}

async function call(server: RunningServer, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export { call };

/** Registers and logs in `n` customers (or staff, through the admin) and returns their tokens. */
export async function signUp(server: RunningServer, n: number, role: 'customer' | 'barista' = 'customer', admin?: string): Promise<Account[]> {
  const accounts: Account[] = [];
  for (let i = 0; i < n; i++) {
    const email = `${role}-${i}-${Math.random().toString(36).slice(2, 8)}@bench.test`;
    const password = 'bench-password';
    const body = { email, password, displayName: `Bench ${role} ${i}` };
    const created = role === 'customer' ? await call(server, 'POST', '/api/identity/register', body) : await call(server, 'POST', '/api/identity/users', { ...body, role }, admin);
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${JSON.stringify(created.body)}`);
    const login = await call(server, 'POST', '/api/identity/login', { email, password });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    accounts.push({ id: created.body.id, token: login.body.accessToken });
  }
  return accounts;
}

export async function adminToken(server: RunningServer, email: string, password: string): Promise<string> {
  const login = await call(server, 'POST', '/api/identity/login', { email, password });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  return login.body.accessToken;
}

/** Two available menu items: what every benchmark order contains. */
export async function orderLines(server: RunningServer): Promise<{ itemId: string; quantity: number }[]> {
  const items = (await call(server, 'GET', '/api/catalog/items')).body as { id: string; available: boolean }[];
  const available = items.filter((i) => i.available).slice(0, 2);
  if (available.length < 2) throw new Error('the menu needs two available items');
  return [
    { itemId: available[0]!.id, quantity: 1 },
    { itemId: available[1]!.id, quantity: 2 },
  ];
}
