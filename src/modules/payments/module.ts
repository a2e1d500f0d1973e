import { defineModule } from '../../shared/index.ts';
import { Wallets } from './application/wallets.ts';
import { WalletEventStore } from './db/wallet-event-store.ts';
import * as schema from './db/schema.ts';
import { paymentsRoutes } from './http/routes.ts';
import { paymentsApi, WalletCharged, WalletRefunded } from './index.ts';
import { paymentsSettings } from './settings.ts';

export const paymentsModule = defineModule({
  name: 'payments',
  mountPath: '/api/payments',
  tables: schema,
  settings: paymentsSettings,
  provides: paymentsApi,
  requires: [],
  publishes: [WalletCharged, WalletRefunded],
  subscribesTo: {},
  setup(ctx) {
    const wallets = new Wallets(new WalletEventStore(ctx.db), (work) => ctx.unitOfWork(work), {
      snapshotEvery: ctx.config.WALLET_SNAPSHOT_EVERY,
      // Conflicts are expected under load; the log shows how contended a wallet is.
      onConflict: (customerId, attempt) => ctx.logger.debug({ customerId, attempt }, 'wallet append conflicted; retrying'),
    });
    return {
      api: {
        charge: (input) => wallets.charge(input),
        refund: (input) => wallets.refund(input),
        balance: ({ customerId }) => wallets.balance(customerId),
      },
      routes: paymentsRoutes(ctx.router(), wallets),
    };
  },
});
