import { SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { randomUUID } from 'node:crypto';
import { TOKEN_ALG, type SigningKey } from './keys.ts';

/** RFC 9068's media type for JWT access tokens: a token of another kind (an ID token, say) is not accepted. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** Leeway for clocks that disagree a little between the issuer and a verifying service. */
const CLOCK_TOLERANCE_SECONDS = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who tokens are issued by and for. */
export interface TokenAudience {
  issuer: string;
  audience: string;
}

/** Who made a request, from a verified access token. Role names belong to the module that issues tokens. */
export interface Principal {
  id: string;
  email: string;
  role: string;
}

export interface TokenIssuer {
  issueAccessToken(principal: Principal, ttlSeconds: number): Promise<{ token: string; expiresIn: number }>;
  jwks(): { keys: object[] };
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

export function createTokenIssuer(key: SigningKey, { issuer, audience }: TokenAudience): TokenIssuer {
  return {
    async issueAccessToken(principal, ttlSeconds) {
      const token = await new SignJWT({ email: principal.email, role: principal.role })
        .setProtectedHeader({ alg: TOKEN_ALG, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
        .setSubject(principal.id)
        .setIssuer(issuer)
        .setAudience(audience)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key.privateKey);
      return { token, expiresIn: ttlSeconds };
    },
    jwks: () => ({ keys: [key.publicJwk] }),
  };
}

/** Verifies with the local key set in the monolith, or with identity's JWKS URL once split out. */
export function createTokenVerifier(source: { jwks: { keys: object[] } } | { url: string }, { issuer, audience }: TokenAudience): TokenVerifier {
  const keySet: JWTVerifyGetKey =
    'url' in source ? createRemoteJWKSet(new URL(source.url)) : createLocalJWKSet(source.jwks as Parameters<typeof createLocalJWKSet>[0]);
  const verified = new VerifiedTokens();
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) return known;
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer,
          audience,
          algorithms: [TOKEN_ALG],
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        const role = payload['role'];
        if (typeof payload.sub !== 'string' || !UUID.test(payload.sub) || typeof payload['email'] !== 'string' || typeof role !== 'string' || role === '') {
          throw new InvalidTokenError('token claims are incomplete');
        }
        const principal: Principal = { id: payload.sub.toLowerCase(), email: payload['email'], role };
        verified.set(token, principal, payload.exp! * 1000);
        return principal;
      } catch (err) {
        if (err instanceof InvalidTokenError) throw err;
        if (err instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
        throw new InvalidTokenError('token invalid');
      }
    },
  };
}

/**
 * Tokens whose signature and claims were already checked, until they expire. A client sends the
 * same token on every request for its whole lifetime, and an ES256 verification costs more CPU
 * than the rest of a typical request's own work. Only the exact token string hits; it is dropped
 * at its `exp` (the same instant jose would start rejecting it), and the map stays bounded.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly capacity = 10_000) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (Date.now() >= entry.expiresAt) {
      this.entries.delete(token);
      return undefined;
    }
    return { ...entry.principal };
  }

  set(token: string, principal: Principal, expiresAt: number): void {
    // Oldest first out: a Map iterates in insertion order.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { principal: { ...principal }, expiresAt });
  }
}
