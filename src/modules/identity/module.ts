import { defineModule } from '../../shared/index.ts';
import { Accounts } from './application/accounts.ts';
import { PasswordHasher } from './application/password-hasher.ts';
import { AccountStore } from './db/account-store.ts';
import * as schema from './db/schema.ts';
import { AuthRateLimits } from './http/rate-limits.ts';
import { identityRoutes } from './http/routes.ts';
import { identityApi } from './index.ts';
import { identitySettings } from './settings.ts';

export const identityModule = defineModule({
  name: 'identity',
  mountPath: '/api/identity',
  tables: schema,
  settings: identitySettings,
  issuesTokens: true,
  provides: identityApi,
  requires: [],
  publishes: [],
  subscribesTo: {},
  async setup(ctx) {
    if (!ctx.tokens) throw new Error('identity issues tokens but was not given the signing capability');
    const { config } = ctx;
    const hasher = new PasswordHasher(config.PASSWORD_HASH_COST, { concurrency: config.PASSWORD_HASH_CONCURRENCY, queueLimit: config.PASSWORD_HASH_QUEUE });
    const accounts = new Accounts(new AccountStore(ctx.db), hasher, ctx.tokens, {
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      refreshFamilyMaxSeconds: config.REFRESH_FAMILY_MAX_SECONDS,
      refreshReuseGraceSeconds: config.REFRESH_REUSE_GRACE_SECONDS,
    });
    const limits = await AuthRateLimits.create(
      { perIp: config.AUTH_RATE_LIMIT_PER_IP, perAccount: config.AUTH_RATE_LIMIT_PER_ACCOUNT, keyPrefix: config.AUTH_RATE_LIMIT_KEY_PREFIX, redisUrl: config.REDIS_URL },
      ctx.logger,
    );
    return {
      api: {
        getUser: async ({ id }) => (await accounts.profile(id)) ?? null,
      },
      routes: identityRoutes(ctx.router(), accounts, limits),
      async start() {
        const { ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PROMOTE_EXISTING } = ctx.config;
        if (ADMIN_EMAIL && ADMIN_PASSWORD) {
          const outcome = await accounts.ensureAdmin(ADMIN_EMAIL, ADMIN_PASSWORD, { promoteExisting: ADMIN_PROMOTE_EXISTING });
          if (outcome === 'promoted') ctx.logger.warn({ outcome }, 'an existing account was promoted to admin (ADMIN_PROMOTE_EXISTING); its sessions were revoked');
          else ctx.logger.info({ outcome }, 'admin account ensured');
        }
        // The dummy hash (one scrypt, about half a second) is computed beside start-up rather
        // than in front of readiness. A sign-in for an unknown email in that first half second
        // waits for it, so it is never faster than one for a known email.
        void accounts.warmUp().catch((err: unknown) => ctx.logger.warn({ err }, 'could not compute the dummy password hash yet; the first unknown-email sign-in will'));
      },
      async stop() {
        await limits.close();
        await hasher.close();
      },
    };
  },
});
