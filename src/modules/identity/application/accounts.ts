import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { TokenIssuer } from '../../../shared/auth/tokens.ts';
import { conflict, Problem } from '../../../shared/errors.ts';
import { normalizeEmail, type Account, type Role } from '../domain/account.ts';
import type { AccountStore } from '../db/account-store.ts';
import type { PasswordHasher } from './password-hasher.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

const invalidCredentials = () => new Problem(401, 'invalid-credentials', 'Email or password is wrong');
const invalidRefresh = (detail: string) => new Problem(401, 'invalid-refresh-token', detail);

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

/** identity's use cases. Each public method is one thing a person can do. */
export class Accounts {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly store: AccountStore,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly lifetimes: { accessTtlSeconds: number; refreshTtlSeconds: number },
  ) {}

  /** Anyone may register; they become a customer. */
  registerCustomer(input: { email: string; password: string; displayName: string }): Promise<Account> {
    return this.createAccount({ ...input, role: 'customer' });
  }

  /** An admin creates staff (baristas, other admins) and customers alike. */
  createAccount(input: { email: string; password: string; displayName: string; role: Role }): Promise<Account> {
    return this.insertAccount(input);
  }

  private async insertAccount(input: { email: string; password: string; displayName: string; role: Role }): Promise<Account> {
    const account = { id: uuidv7(), email: normalizeEmail(input.email), displayName: input.displayName.trim(), role: input.role };
    const inserted = await this.store.insert({ ...account, passwordHash: await this.hasher.hash(input.password) });
    if (!inserted) throw conflict(`An account with email ${account.email} already exists`, 'email-taken');
    return account;
  }

  async logIn(input: { email: string; password: string }): Promise<TokenPair> {
    const account = await this.store.byEmail(normalizeEmail(input.email));
    // Hash even for unknown emails so response time does not reveal which emails exist.
    const ok = await this.hasher.verify(input.password, account?.passwordHash ?? (await this.dummy()));
    if (!account || !ok) throw invalidCredentials();
    return this.issuePair(account, uuidv7());
  }

  /**
   * Rotation with reuse detection: a refresh token works once. Presenting it again revokes its
   * whole family, so a stolen token dies as soon as either party uses it twice.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const [id, secret] = refreshToken.split('.');
    if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) throw invalidRefresh('Refresh token is malformed');
    const stored = await this.store.refreshToken(id);
    if (!stored || !safeEqual(stored.secretHash, sha256(secret))) throw invalidRefresh('Refresh token is not recognised');
    if (stored.revokedAt) throw invalidRefresh('Refresh token was revoked');
    if (stored.usedAt || !(await this.store.markUsed(id))) {
      await this.store.revokeFamily(stored.familyId);
      throw invalidRefresh('Refresh token was already used; every session from it is now revoked');
    }
    if (stored.expiresAt.getTime() < Date.now()) throw invalidRefresh('Refresh token expired');
    const account = await this.store.byId(stored.userId);
    if (!account) throw invalidRefresh('Account no longer exists');
    return this.issuePair(account, stored.familyId);
  }

  async profile(id: string): Promise<Account | undefined> {
    const a = await this.store.byId(id);
    return a && { id: a.id, email: a.email, displayName: a.displayName, role: a.role };
  }

  /** Makes sure the configured admin exists with the configured password. */
  async ensureAdmin(email: string, password: string): Promise<void> {
    const existing = await this.store.byEmail(normalizeEmail(email));
    if (!existing) {
      await this.insertAccount({ email, password, displayName: 'Administrator', role: 'admin' }).catch((err: unknown) => {
        // Another instance created it at the same moment: fine.
        if (!(err instanceof Problem && err.status === 409)) throw err;
      });
      return;
    }
    if (existing.role !== 'admin' || !(await this.hasher.verify(password, existing.passwordHash))) {
      await this.store.setRoleAndPassword(existing.id, 'admin', await this.hasher.hash(password));
    }
  }

  private async issuePair(account: Account, familyId: string): Promise<TokenPair> {
    const { token, expiresIn } = await this.tokens.issueAccessToken({ id: account.id, email: account.email, role: account.role }, this.lifetimes.accessTtlSeconds);
    const id = uuidv7();
    const secret = randomBytes(32).toString('base64url');
    await this.store.saveRefreshToken({
      id,
      familyId,
      userId: account.id,
      secretHash: sha256(secret),
      expiresAt: new Date(Date.now() + this.lifetimes.refreshTtlSeconds * 1000),
    });
    return { accessToken: token, refreshToken: `${id}.${secret}`, tokenType: 'Bearer', expiresIn };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
