import { defineModule } from '../../shared/module.ts';
import { Accounts } from './application/accounts.ts';
import { PasswordHasher } from './application/password-hasher.ts';
import { AccountStore } from './db/account-store.ts';
import * as schema from './db/schema.ts';
import { identityRoutes } from './http/routes.ts';
import { identityApi } from './index.ts';

export const identityModule = defineModule({
  name: 'identity',
  tables: schema,
  provides: identityApi,
  requires: [],
  publishes: [],
  subscribesTo: [],
  setup(ctx) {
    const accounts = new Accounts(new AccountStore(ctx.db), new PasswordHasher(ctx.config.PASSWORD_HASH_COST), ctx.tokens, ctx.config.REFRESH_TOKEN_TTL_SECONDS);
    return {
      api: {
        getUser: async ({ id }) => (await accounts.profile(id)) ?? null,
      },
      routes: { '/api/identity': identityRoutes(ctx.router(), accounts) },
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
