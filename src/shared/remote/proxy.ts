import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import type { Context, Hono } from 'hono';
import { ModuleUnavailableError } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import type { RemoteModule } from './remote-module.ts';
import { currentTraceparent } from '../telemetry/trace-context.ts';

/** Connection-level headers a proxy must not pass along (RFC 9110 §7.6.1), plus what fetch recomputes. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'host', 'content-length']);

/**
 * Routes a remote module's public paths (its definition's `mountPath`) to one of its instances,
 * so clients keep one base URL. The caller's token, request id and trace context go along; the
 * body streams both ways; an unreachable module answers 503 with Retry-After, like a local one.
 */
export function proxyTo(app: Hono<AppEnv>, remote: RemoteModule, mountPath: string): void {
  const handler = async (c: Context<AppEnv>) => {
    const headers = new Headers();
    c.req.raw.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) headers.set(name, value);
    });
    headers.set('x-request-id', c.get('requestId'));
    const traceparent = currentTraceparent();
    if (traceparent) headers.set('traceparent', traceparent);
    const url = new URL(c.req.url);
    headers.set('x-forwarded-host', url.host);
    headers.set('x-forwarded-proto', url.protocol.replace(':', ''));
    let res: Response;
    try {
      res = await remote.forward(c.req.raw, headers);
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof TaskCancelledError || (err instanceof Error && err.name === 'TransientRemoteError')) {
        throw new ModuleUnavailableError(remote.module, `${c.req.method} ${c.req.path}`, err);
      }
      throw err;
    }
    const out = new Headers();
    res.headers.forEach((value, name) => {
      // fetch has already decoded the body, so its encoding and length no longer describe it.
      if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') out.set(name, value);
    });
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers: out });
  };
  app.all(mountPath, handler);
  app.all(`${mountPath}/*`, handler);
}
