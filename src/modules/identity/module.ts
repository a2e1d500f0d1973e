import { defineModule } from '../../shared/module.ts';
import { Accounts } from './application/accounts.ts';
import { PasswordHasher } from './application/password-hasher.ts';
import { AccountStore } from './db/account-store.ts';
import * as schema from './db/schema.ts';
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
  subscribesTo: [],
  setup(ctx) {
    if (!ctx.tokens) throw new Error('identity issues tokens but was not given the signing capability');
    const { config } = ctx;
    const accounts = new Accounts(new AccountStore(ctx.db), new PasswordHasher(config.PASSWORD_HASH_COST), ctx.tokens, {
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    });
    return {
      api: {
        getUser: async ({ id }) => (await accounts.profile(id)) ?? null,
      },
      routes: identityRoutes(ctx.router(), accounts),
      async start() {
        const { ADMIN_EMAIL, ADMIN_PASSWORD } = ctx.config;
        if (ADMIN_EMAIL && ADMIN_PASSWORD) {
          await accounts.ensureAdmin(ADMIN_EMAIL, ADMIN_PASSWORD);
          ctx.logger.info({ email: ADMIN_EMAIL }, 'admin account ensured');
        }
      },
    };
  },
});
