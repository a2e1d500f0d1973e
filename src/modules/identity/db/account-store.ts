import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../../shared/index.ts';
import type { Account, Role } from '../domain/account.ts';
import { refreshTokens, users } from './schema.ts';

export interface StoredAccount extends Account {
  passwordHash: string;
}

export interface StoredRefreshToken {
  id: string;
  familyId: string;
  userId: string;
  secretHash: string;
  expiresAt: Date;
  familyStartedAt: Date;
}

export type PresentedRefreshToken = StoredRefreshToken & { usedAt: Date | null; revokedAt: Date | null };

const accountColumns = { id: users.id, email: users.email, displayName: users.displayName, role: users.role, passwordHash: users.passwordHash };

/** identity's persistence: the only code that touches identity's tables. */
export class AccountStore {
  constructor(private readonly db: Executor) {}

  /** Runs `work` in one transaction, with a store bound to it. */
  transaction<T>(work: (store: AccountStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new AccountStore(tx)));
  }

  /** Inserts unless the email is taken; returns false on a duplicate. */
  async insert(account: StoredAccount): Promise<boolean> {
    const rows = await this.db.insert(users).values(account).onConflictDoNothing({ target: users.email }).returning({ id: users.id });
    return rows.length === 1;
  }

  async byEmail(email: string): Promise<StoredAccount | undefined> {
    const [row] = await this.db.select(accountColumns).from(users).where(eq(users.email, email));
    return row;
  }

  async byId(id: string): Promise<StoredAccount | undefined> {
    const [row] = await this.db.select(accountColumns).from(users).where(eq(users.id, id));
    return row;
  }

  async setRoleAndPassword(id: string, role: Role, passwordHash: string): Promise<void> {
    await this.db.update(users).set({ role, passwordHash }).where(eq(users.id, id));
  }

  async saveRefreshToken(token: StoredRefreshToken): Promise<void> {
    await this.db.insert(refreshTokens).values(token);
  }

  async refreshToken(id: string): Promise<PresentedRefreshToken | undefined> {
    const [row] = await this.db.select(refreshTokenColumns).from(refreshTokens).where(eq(refreshTokens.id, id));
    return row;
  }

  /**
   * The token's row, locked until the transaction ends. A concurrent rotation of the same token
   * waits here and then sees the winner's committed state, successor included.
   */
  async lockRefreshToken(id: string): Promise<PresentedRefreshToken | undefined> {
    const [row] = await this.db.select(refreshTokenColumns).from(refreshTokens).where(eq(refreshTokens.id, id)).for('update');
    return row;
  }

  async markUsed(id: string): Promise<void> {
    await this.db.update(refreshTokens).set({ usedAt: sql`now()` }).where(eq(refreshTokens.id, id));
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.update(refreshTokens).set({ revokedAt: sql`now()` }).where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }

  /** Every session of the account ends: after a role or password change, nothing issued before survives. */
  async revokeAllFor(userId: string): Promise<void> {
    await this.db.update(refreshTokens).set({ revokedAt: sql`now()` }).where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  }

  /** Tokens of a family that could still be exchanged (tests and diagnostics). */
  async liveTokensOfFamily(familyId: string): Promise<number> {
    const rows = await this.db
      .select({ id: refreshTokens.id })
      .from(refreshTokens)
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)));
    return rows.length;
  }
}

const refreshTokenColumns = {
  id: refreshTokens.id,
  familyId: refreshTokens.familyId,
  userId: refreshTokens.userId,
  secretHash: refreshTokens.secretHash,
  expiresAt: refreshTokens.expiresAt,
  familyStartedAt: refreshTokens.familyStartedAt,
  usedAt: refreshTokens.usedAt,
  revokedAt: refreshTokens.revokedAt,
};
