/**
 * Who may open Bull Board, and how a browser gets in without putting a token in a URL. API
 * clients send `Authorization: Bearer`. A browser cannot, so it signs in once: a small form posts
 * the operator's access token in the request body, and the answer sets a short-lived HttpOnly
 * cookie scoped to the board. A token never travels in a query string, so it never lands in
 * address bars, browser history, proxy logs or Referer headers.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Principal, TokenVerifier } from '../auth/tokens.ts';
import { Problem } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';

export const BOARD_COOKIE = 'cafe_board_token';

/** A form, no script and no style: it works under the API's `default-src 'none'` policy. */
const SIGN_IN_PAGE = (action: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Café queues: sign in</title></head>
<body><h1>Café queues</h1>
<form method="post" action="${action}">
<label>Operator access token <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Sign in</button>
</form></body></html>`;

export interface BoardAccess {
  /** Serves and accepts the sign-in form at `<basePath>/sign-in`; mount before the guard. */
  signIn(app: Hono<AppEnv>): void;
  /** Lets through operators (bearer header or the board's cookie); a browser without either is sent to sign in. */
  guard: MiddlewareHandler<AppEnv>;
}

export function boardAccess(basePath: string, verifier: TokenVerifier, operatorRole: string, maxAgeSeconds: number): BoardAccess {
  const signInPath = `${basePath}/sign-in`;

  const operator = async (token: string): Promise<Principal> => {
    let principal: Principal;
    try {
      principal = await verifier.verify(token);
    } catch {
      throw new Problem(401, 'invalid-token', 'Access token rejected', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    if (principal.role !== operatorRole) throw new Problem(403, 'forbidden', `Requires role ${operatorRole}`);
    return principal;
  };

  return {
    signIn(app) {
      app.get(signInPath, (c) => {
        c.header('Cache-Control', 'no-store');
        return c.html(SIGN_IN_PAGE(signInPath));
      });
      app.post(signInPath, async (c) => {
        const type = c.req.header('content-type') ?? '';
        if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw new Problem(415, 'unsupported-media-type', 'Sign in with the form: application/x-www-form-urlencoded');
        const token = (await c.req.parseBody())['token'];
        if (typeof token !== 'string' || token.length === 0) {
          throw new Problem(400, 'validation', 'Invalid body: token', { errors: [{ field: 'token', message: 'an operator access token is required', location: 'form' }] });
        }
        await operator(token);
        setCookie(c, BOARD_COOKIE, token, { path: basePath, httpOnly: true, sameSite: 'Strict', maxAge: maxAgeSeconds, secure: new URL(c.req.url).protocol === 'https:' });
        c.header('Cache-Control', 'no-store');
        return c.redirect(basePath, 303);
      });
    },

    async guard(c, next) {
      if (c.req.path === signInPath) return next();
      const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      const token = bearer ?? getCookie(c, BOARD_COOKIE);
      if (!token) {
        // A person at a browser is shown the way in; an API client gets the bearer challenge.
        if (c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html')) return c.redirect(signInPath, 303);
        throw new Problem(401, 'unauthorized', `Bull Board needs an operator access token: a bearer header, or sign in at ${signInPath}`, {}, { 'WWW-Authenticate': 'Bearer' });
      }
      await operator(token);
      await next();
    },
  };
}
