import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppEnv } from './app-env.ts';
import { problemResponse } from './problem.ts';

/**
 * The browser pages: the café page at `/` and the console at `/console`, built into a folder by
 * `npm run build:web`. The files are read once at start-up and answered from memory, so the pages
 * cost the API nothing while nobody has them open.
 */
export interface WebPagesOptions {
  /** The folder `npm run build:web` writes (dist/web). */
  dir: string;
  /** Serve `/console` (the console's data routes check the operator role on every call). */
  console: boolean;
}

interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The pages' policy: their own scripts, styles and API calls, nothing from elsewhere, no framing. */
export const PAGE_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Referrer-Policy', 'no-referrer'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

/** Paths answered with the pages' headers instead of the API's. */
export function isPagePath(p: string): boolean {
  return p === '/' || p === '/console' || p.startsWith('/web/');
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = readFileSync(path.join(dir, name));
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

export function mountWebPages(app: OpenAPIHono<AppEnv>, options: WebPagesOptions): void {
  const assets = loadAssets(options.dir);
  const answer = (c: Context<AppEnv>, name: string, cache: string) => {
    const asset = assets.get(name);
    if (!asset) return problemResponse(c, 404, `The page ${name} is not built; run npm run build`, { type: 'page-not-built' });
    for (const [header, value] of PAGE_SECURITY_HEADERS) c.header(header, value);
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, { etag: asset.etag });
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': asset.type, 'cache-control': cache, etag: asset.etag });
  };
  // HTML is asked again on every visit (it names the scripts); scripts revalidate by etag.
  app.get('/', (c) => answer(c, 'cafe.html', 'no-cache'));
  if (options.console) app.get('/console', (c) => answer(c, 'console.html', 'no-cache'));
  app.get('/web/:file', (c) => {
    const file = c.req.param('file');
    const hidden = file.endsWith('.html') || (!options.console && file.startsWith('console.'));
    if (hidden || !assets.has(file)) return problemResponse(c, 404, `No route for GET ${c.req.path}`, { type: 'route-not-found' });
    return answer(c, file, 'no-cache');
  });
}
