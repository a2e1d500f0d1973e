import { SignJWT, createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { TOKEN_ALG, type SigningKey } from './keys.ts';

export const ROLES = ['customer', 'barista', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  id: string;
  email: string;
  role: Role;
}

export interface TokenIssuer {
  issueAccessToken(principal: Principal): Promise<{ token: string; expiresIn: number }>;
  jwks(): { keys: object[] };
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

export function createTokenIssuer(key: SigningKey, issuer: string, ttlSeconds: number): TokenIssuer {
  return {
    async issueAccessToken(principal) {
      const token = await new SignJWT({ email: principal.email, role: principal.role })
        .setProtectedHeader({ alg: TOKEN_ALG, kid: key.kid, typ: 'JWT' })
        .setSubject(principal.id)
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key.privateKey);
      return { token, expiresIn: ttlSeconds };
    },
    jwks: () => ({ keys: [key.publicJwk] }),
  };
}

/** Verifies with the local key set in the monolith, or with identity's JWKS URL once split out. */
export function createTokenVerifier(source: { jwks: { keys: object[] } } | { url: string }, issuer: string): TokenVerifier {
  const keySet: JWTVerifyGetKey =
    'url' in source ? createRemoteJWKSet(new URL(source.url)) : createLocalJWKSet(source.jwks as Parameters<typeof createLocalJWKSet>[0]);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keySet, { issuer, algorithms: [TOKEN_ALG] });
        const role = payload['role'];
        if (typeof payload.sub !== 'string' || typeof payload['email'] !== 'string' || !ROLES.includes(role as Role)) {
          throw new InvalidTokenError('token claims are incomplete');
        }
        return { id: payload.sub, email: payload['email'], role: role as Role };
      } catch (err) {
        if (err instanceof InvalidTokenError) throw err;
        if (err instanceof errors.JWTExpired) throw new InvalidTokenError('token expired');
        throw new InvalidTokenError('token invalid');
      }
    },
  };
}
