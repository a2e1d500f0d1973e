import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { TokenIssuer } from '../../../shared/index.ts';
import { normalizeEmail, type Account, type Role } from '../domain/account.ts';
import { AdminBootstrapRefused, IdentityRefusal } from '../domain/errors.ts';
import type { AccountStore, PresentedRefreshToken } from '../db/account-store.ts';
import type { PasswordHasher } from './password-hasher.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface Lifetimes {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** No family of refresh tokens outlives this, however often it rotates. */
  refreshFamilyMaxSeconds: number;
  /**
   * A token presented again this soon after its rotation is refused without revoking its family:
   * a client that retried a request whose answer it lost is not a thief.
   */
  refreshReuseGraceSeconds: number;
}

const invalidCredentials = () => new IdentityRefusal('invalid-credentials', 'Email or password is wrong');
const invalidRefresh = (detail: string) => new IdentityRefusal('invalid-refresh-token', detail);

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** What happened to a presented refresh token, decided inside the rotation's transaction. */
type Rotation =
  | { ok: true; account: Account; successor: { id: string; secret: string; expiresAt: Date } }
  | { ok: false; detail: string };

/** identity's use cases. Each public method is one thing a person can do. */
export class Accounts {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly store: AccountStore,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly lifetimes: Lifetimes,
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
    // A taken email is refused before any hashing: a duplicate costs a lookup, not 128 MiB of scrypt.
    if (await this.store.byEmail(account.email)) throw emailTaken(account.email);
    const inserted = await this.store.insert({ ...account, passwordHash: await this.hasher.hash(input.password) });
    if (!inserted) throw emailTaken(account.email);
    return account;
  }

  async logIn(input: { email: string; password: string }): Promise<TokenPair> {
    const account = await this.store.byEmail(normalizeEmail(input.email));
    // Hash even for unknown emails, at the same cost, so response time does not reveal which emails exist.
    const ok = await this.hasher.verify(input.password, account?.passwordHash ?? (await this.dummy()));
    if (!account || !ok) throw invalidCredentials();
    const familyId = uuidv7();
    const now = new Date();
    const successor = this.newRefreshToken(now, now);
    await this.store.saveRefreshToken({ id: successor.id, familyId, userId: account.id, secretHash: sha256(successor.secret), expiresAt: successor.expiresAt, familyStartedAt: now });
    return this.pair(account, successor);
  }

  /**
   * Rotation with reuse detection: a refresh token works once. Presenting it again revokes its
   * whole family, so a stolen token dies as soon as either party uses it twice. The presented
   * row stays locked from the check to the successor's insert, so a racing duplicate sees the
   * successor and revokes it too.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const { id, secret } = parseRefreshToken(refreshToken);
    const outcome = await this.store.transaction(async (store): Promise<Rotation> => {
      const stored = await store.lockRefreshToken(id);
      if (!stored || !safeEqual(stored.secretHash, sha256(secret))) return { ok: false, detail: 'Refresh token is not recognised' };
      if (stored.revokedAt) return { ok: false, detail: 'Refresh token was revoked' };
      const now = new Date();
      if (stored.usedAt) {
        if (now.getTime() - stored.usedAt.getTime() <= this.lifetimes.refreshReuseGraceSeconds * 1000) {
          return { ok: false, detail: 'Refresh token was just rotated; use the newer one' };
        }
        await store.revokeFamily(stored.familyId);
        return { ok: false, detail: 'Refresh token was already used; every session from it is now revoked' };
      }
      if (stored.expiresAt.getTime() <= now.getTime()) return { ok: false, detail: 'Refresh token expired' };
      if (this.familyEnds(stored) <= now.getTime()) {
        await store.revokeFamily(stored.familyId);
        return { ok: false, detail: 'Session reached its maximum lifetime; sign in again' };
      }
      const account = await store.byId(stored.userId);
      if (!account) return { ok: false, detail: 'Account no longer exists' };
      await store.markUsed(stored.id);
      const successor = this.newRefreshToken(now, stored.familyStartedAt);
      await store.saveRefreshToken({
        id: successor.id,
        familyId: stored.familyId,
        userId: account.id,
        secretHash: sha256(successor.secret),
        expiresAt: successor.expiresAt,
        familyStartedAt: stored.familyStartedAt,
      });
      return { ok: true, account: toAccount(account), successor };
    });
    // Refusals leave the transaction first: a revocation must commit, not roll back with a throw.
    if (!outcome.ok) throw invalidRefresh(outcome.detail);
    return this.pair(outcome.account, outcome.successor);
  }

  /** Ends the session the refresh token belongs to: its whole family stops working. */
  async logOut(refreshToken: string): Promise<void> {
    const { id, secret } = parseRefreshToken(refreshToken);
    const stored = await this.store.refreshToken(id);
    if (!stored || !safeEqual(stored.secretHash, sha256(secret))) throw invalidRefresh('Refresh token is not recognised');
    await this.store.revokeFamily(stored.familyId);
  }

  async profile(id: string): Promise<Account | undefined> {
    if (!UUID.test(id)) return undefined;
    const a = await this.store.byId(id);
    return a && toAccount(a);
  }

  /**
   * Makes sure the configured admin exists with the configured password. An existing account
   * that is not an admin is never promoted unless the operator says so explicitly: otherwise
   * whoever registered that email first would inherit an admin account.
   */
  async ensureAdmin(email: string, password: string, options: { promoteExisting: boolean }): Promise<'created' | 'unchanged' | 'password-reset' | 'promoted'> {
    const existing = await this.store.byEmail(normalizeEmail(email));
    if (!existing) {
      try {
        await this.insertAccount({ email, password, displayName: 'Administrator', role: 'admin' });
        return 'created';
      } catch (err) {
        // Another instance created it at the same moment: check it as an existing account.
        if (!(err instanceof IdentityRefusal && err.kind === 'email-taken')) throw err;
        return this.ensureAdmin(email, password, options);
      }
    }
    if (existing.role !== 'admin' && !options.promoteExisting) {
      throw new AdminBootstrapRefused(
        `ADMIN_EMAIL ${existing.email} belongs to an existing ${existing.role} account; refusing to promote it to admin. ` +
          'Use another ADMIN_EMAIL, or set ADMIN_PROMOTE_EXISTING=true if that account is really yours.',
      );
    }
    if (existing.role === 'admin' && (await this.hasher.verify(password, existing.passwordHash))) return 'unchanged';
    const hash = await this.hasher.hash(password);
    await this.store.transaction(async (store) => {
      await store.setRoleAndPassword(existing.id, 'admin', hash);
      await store.revokeAllFor(existing.id);
    });
    return existing.role === 'admin' ? 'password-reset' : 'promoted';
  }

  /** Computes the hash that unknown emails are checked against, so the first such login is not faster. */
  async warmUp(): Promise<void> {
    await this.dummy();
  }

  /** Live refresh tokens of the family a token belongs to; zero after a revocation. */
  async liveTokensInFamilyOf(refreshToken: string): Promise<number> {
    const { id } = parseRefreshToken(refreshToken);
    const stored = await this.store.refreshToken(id);
    return stored ? this.store.liveTokensOfFamily(stored.familyId) : 0;
  }

  private familyEnds(token: Pick<PresentedRefreshToken, 'familyStartedAt'>): number {
    return token.familyStartedAt.getTime() + this.lifetimes.refreshFamilyMaxSeconds * 1000;
  }

  private newRefreshToken(now: Date, familyStartedAt: Date): { id: string; secret: string; expiresAt: Date } {
    const expiresAt = Math.min(now.getTime() + this.lifetimes.refreshTtlSeconds * 1000, this.familyEnds({ familyStartedAt }));
    return { id: uuidv7(), secret: randomBytes(32).toString('base64url'), expiresAt: new Date(expiresAt) };
  }

  private async pair(account: Account, refresh: { id: string; secret: string }): Promise<TokenPair> {
    const { token, expiresIn } = await this.tokens.issueAccessToken({ id: account.id, email: account.email, role: account.role }, this.lifetimes.accessTtlSeconds);
    return { accessToken: token, refreshToken: `${refresh.id}.${refresh.secret}`, tokenType: 'Bearer', expiresIn };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex')).catch((err: unknown) => {
      // A refused attempt (hashing at capacity) must not be remembered as the dummy.
      this.dummyHash = undefined;
      throw err;
    });
    return this.dummyHash;
  }
}

function emailTaken(email: string): IdentityRefusal {
  return new IdentityRefusal('email-taken', `An account with email ${email} already exists`);
}

function parseRefreshToken(token: string): { id: string; secret: string } {
  const dot = token.indexOf('.');
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (dot < 0 || !UUID.test(id) || !SECRET.test(secret)) throw invalidRefresh('Refresh token is malformed');
  return { id, secret };
}

function toAccount(a: Account): Account {
  return { id: a.id, email: a.email, displayName: a.displayName, role: a.role };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
