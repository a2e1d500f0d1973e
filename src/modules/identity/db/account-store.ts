import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../shared/db/database.ts';
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
}

const accountColumns = { id: users.id, email: users.email, displayName: users.displayName, role: users.role, passwordHash: users.passwordHash };

/** identity's persistence: the only code that touches identity's tables. */
export class AccountStore {
  constructor(private readonly db: Db) {}

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

  async refreshToken(id: string): Promise<(StoredRefreshToken & { usedAt: Date | null; revokedAt: Date | null }) | undefined> {
    const [row] = await this.db.select().from(refreshTokens).where(eq(refreshTokens.id, id));
    return row;
  }

  /** Atomically marks a token used; false when someone used (or revoked) it first. */
  async markUsed(id: string): Promise<boolean> {
    const rows = await this.db
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    return rows.length === 1;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.update(refreshTokens).set({ revokedAt: sql`now()` }).where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }
}
