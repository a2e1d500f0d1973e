import { SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { TOKEN_ALG, type SigningKey } from '../auth/keys.ts';

/** Who is calling an internal route: the calling process's service and, when there is one, the user behind the call. */
export interface ServiceCaller {
  service: string;
  user?: { id: string; role: string };
}

export class InvalidServiceTokenError extends Error {
  override name = 'InvalidServiceTokenError';
}

const ISSUER_PREFIX = 'service:';
const TYPE = 'service+jwt';
const LIFETIME_SECONDS = 60;
/** A token is reused while it has at least this long to live: one signature per audience and user per half minute. */
const REUSE_MARGIN_MS = 30_000;

export const audienceOf = (module: string) => `module:${module}`;

/**
 * Short-lived ES256 tokens for one process calling another module's internal routes. The
 * audience names the target module, so a token for payments is refused by fulfillment; user
 * tokens are refused because their `typ` and audience differ.
 */
export class ServiceTokens {
  private readonly cache = new Map<string, { token: string; expiresAt: number }>();
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly key: SigningKey,
    private readonly service: string,
    trust: { jwksUrls: readonly string[] },
  ) {
    const local = createLocalJWKSet({ keys: [key.publicJwk] });
    const remote = trust.jwksUrls.map((u) => createRemoteJWKSet(new URL(u)));
    // The process's own key first (a deployment sharing one key needs nothing else), then each trusted document.
    this.keys = async (header, token) => {
      try {
        return await local(header, token);
      } catch (err) {
        for (const set of remote) {
          try {
            return await set(header, token);
          } catch {
            /* try the next document */
          }
        }
        throw err;
      }
    };
  }

  /** The public key document other processes may trust (`/.well-known/service-jwks.json`). */
  jwks(): { keys: object[] } {
    return { keys: [this.key.publicJwk] };
  }

  async sign(targetModule: string, user?: ServiceCaller['user']): Promise<string> {
    const cacheKey = `${targetModule}\u0000${user?.id ?? ''}\u0000${user?.role ?? ''}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt - Date.now() > REUSE_MARGIN_MS) return cached.token;
    const token = await new SignJWT(user ? { usr: user } : {})
      .setProtectedHeader({ alg: TOKEN_ALG, kid: this.key.kid, typ: TYPE })
      .setIssuer(`${ISSUER_PREFIX}${this.service}`)
      .setAudience(audienceOf(targetModule))
      .setIssuedAt()
      .setExpirationTime(`${LIFETIME_SECONDS}s`)
      .sign(this.key.privateKey);
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(cacheKey, { token, expiresAt: Date.now() + LIFETIME_SECONDS * 1000 });
    return token;
  }

  async verify(token: string, targetModule: string): Promise<ServiceCaller> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.keys, {
        audience: audienceOf(targetModule),
        algorithms: [TOKEN_ALG],
        typ: TYPE,
        requiredClaims: ['iss', 'exp', 'iat'],
        maxTokenAge: `${LIFETIME_SECONDS + 5}s`,
        clockTolerance: 5,
      });
      if (protectedHeader.typ !== TYPE || typeof payload.iss !== 'string' || !payload.iss.startsWith(ISSUER_PREFIX)) {
        throw new InvalidServiceTokenError('not a service token');
      }
      const usr = payload['usr'] as { id?: unknown; role?: unknown } | undefined;
      const user = usr && typeof usr.id === 'string' && typeof usr.role === 'string' ? { id: usr.id, role: usr.role } : undefined;
      return { service: payload.iss.slice(ISSUER_PREFIX.length), ...(user ? { user } : {}) };
    } catch (err) {
      if (err instanceof InvalidServiceTokenError) throw err;
      if (err instanceof errors.JWTExpired) throw new InvalidServiceTokenError('service token expired');
      if (err instanceof errors.JWTClaimValidationFailed) throw new InvalidServiceTokenError(`service token refused: ${err.claim} ${err.reason}`);
      throw new InvalidServiceTokenError('service token invalid');
    }
  }
}
