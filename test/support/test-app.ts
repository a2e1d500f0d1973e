import { createApp } from '../../src/app.ts';
import { loadConfig, type Config, type ConfigOverrides } from '../../src/shared/config.ts';
import type { Kernel } from '../../src/shared/kernel.ts';
import { createKernel } from '../../src/shared/kernel.ts';
import type { Logger } from '../../src/shared/logger.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { MIGRATIONS_ROOT, OPERATOR_ROLE } from '../../src/app.ts';
import { ResponseContract } from './contract.ts';
import { freshDatabase } from './database.ts';

export const ADMIN = { email: 'admin@cafe.test', password: 'admin-password' };

export interface TestApp {
  kernel: Kernel;
  config: Config;
  http: Http;
  /** Registers (or creates, for staff roles) an account and returns its access token. */
  signUp(role?: 'customer' | 'barista' | 'admin', email?: string): Promise<{ id: string; token: string; email: string }>;
  adminToken(): Promise<string>;
  stop(): Promise<void>;
}

export interface HttpResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Http {
  get<T = any>(path: string, token?: string, headers?: Record<string, string>): Promise<HttpResponse<T>>;
  post<T = any>(path: string, body?: unknown, token?: string, headers?: Record<string, string>): Promise<HttpResponse<T>>;
  patch<T = any>(path: string, body?: unknown, token?: string, headers?: Record<string, string>): Promise<HttpResponse<T>>;
  raw(path: string, init: RequestInit): Promise<HttpResponse>;
  /** A fetch into the app for generated clients; its answers pass the same contract check. */
  fetch: typeof fetch;
}

/**
 * Served beside the public API, not part of its document: Bull Board (an operator UI) and the
 * service-to-service surface of remote modules (internal calls and the service key document).
 */
const UNDOCUMENTED = ['/admin/queues', '/internal', '/.well-known/service-jwks.json'];

/** Test settings: in memory, fast hashing, short retries. The environment picks database and transport. */
export function testConfig(overrides: ConfigOverrides = {}): Config {
  return loadConfig(
    {
      ...process.env,
      PORT: '0',
      DATA_DIR: 'memory://',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
      PASSWORD_HASH_COST: '10',
      // Tests sign up many users from one address in a burst: the limits stay on, just out of the way.
      AUTH_RATE_LIMIT_PER_IP: '1000000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '1000',
      AUTH_RATE_LIMIT_KEY_PREFIX: `test-rl-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      PASSWORD_HASH_QUEUE: '1000',
      // Two test files run at once, each with every module's pool: keep well under max_connections.
      DATABASE_POOL_SIZE: process.env['DATABASE_POOL_SIZE'] ?? '4',
      BUS_BACKOFF_MS: '20',
      OUTBOX_POLL_MS: '100',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SEED_DEMO_MENU: 'false',
      // Tests share one Redis when EVENT_TRANSPORT=bullmq: each app gets queues of its own.
      BULLMQ_PREFIX: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    },
    overrides,
  );
}

/** Boots the whole application (or a given module list) on a database of its own. */
export async function startTestApp(
  options: {
    config?: ConfigOverrides;
    modules?: readonly ModuleDefinition[];
    logger?: Logger;
    /** Path prefixes of fixture routes outside the document. */
    undocumented?: readonly string[];
    /** Serve the built browser pages from here (with `modules`; the whole app always serves them). */
    webRoot?: string;
  } = {},
): Promise<TestApp> {
  const db = await freshDatabase();
  const config = testConfig({ ...(db.url ? { DATABASE_URL: db.url } : {}), ...options.config });
  let kernel: Kernel;
  try {
    kernel = options.modules
      ? await createKernel({ config, modules: options.modules, migrationsRoot: MIGRATIONS_ROOT, webRoot: options.webRoot, operatorRole: OPERATOR_ROLE, logger: options.logger })
      : await createApp(config, { logger: options.logger });
  } catch (err) {
    await db.drop();
    throw err;
  }
  const http = httpClient(kernel, { undocumented: options.undocumented });
  let admin: string | undefined;
  const app: TestApp = {
    kernel,
    config,
    http,
    async adminToken() {
      admin ??= await login(http, ADMIN.email, ADMIN.password);
      return admin;
    },
    async signUp(role = 'customer', email = `${role}-${Math.random().toString(36).slice(2, 10)}@cafe.test`) {
      const password = 'correct-horse';
      const body = { email, password, displayName: `Test ${role}` };
      const res = role === 'customer' ? await http.post('/api/identity/register', body) : await http.post('/api/identity/users', { ...body, role }, await app.adminToken());
      if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id, email, token: await login(http, email, password) };
    },
    async stop() {
      await kernel.stop();
      await db.drop();
    },
  };
  return app;
}

async function login(http: Http, email: string, password: string): Promise<string> {
  const res = await http.post('/api/identity/login', { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

/**
 * The test suites' one door into an app: a kernel in this process, or the base URL of a running
 * server (the gateway of the café as services). Every answer is checked against the OpenAPI
 * document the app serves before a test sees it: a route that answers what its document does not
 * declare fails whichever test called it. `undocumented` names extra path prefixes that are
 * outside the document on purpose.
 */
export function httpClient(target: Kernel | string, options: { undocumented?: readonly string[] } = {}): Http {
  const deliver = typeof target === 'string' ? overTheNetwork(target) : (request: Request) => Promise.resolve(target.app.request(request));
  let contract: Promise<ResponseContract> | undefined;
  const contractOf = () =>
    (contract ??= deliver(new Request('http://localhost/openapi.json'))
      .then((r) => r.json())
      .then((doc: Record<string, unknown>) => new ResponseContract(doc, [...UNDOCUMENTED, ...(options.undocumented ?? [])])));
  const checked = async (input: string | URL | Request, init?: RequestInit): Promise<{ res: Response; text: string }> => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://localhost'), init);
    const res = await deliver(request);
    const text = await res.text();
    (await contractOf()).assert(request.method, request.url, { status: res.status, headers: res.headers, text });
    return { res, text };
  };
  const raw = async (path: string, init: RequestInit): Promise<HttpResponse> => {
    const { res, text } = await checked(path, init);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body, headers: res.headers };
  };
  const send = (method: string) => (path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) =>
    raw(path, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    get: (path, token, headers = {}) => raw(path, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }),
    post: send('POST'),
    patch: send('PATCH'),
    raw,
    fetch: async (input, init) => {
      const { res, text } = await checked(input, init);
      return new Response(res.status === 204 || res.status === 304 || init?.method === 'HEAD' ? null : text, { status: res.status, headers: res.headers });
    },
  };
}

/** Sends a request, whatever origin it names, to the server at `base`. */
function overTheNetwork(base: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
    return fetch(new URL(`${url.pathname}${url.search}`, base), { method: request.method, headers: request.headers, body, redirect: 'manual' });
  };
}
