/**
 * The composition root's module list: the only place that names every module. Order matters
 * only for start-up logs; the kernel resolves dependencies lazily.
 */
import { catalogModule } from './modules/catalog/module.ts';
import { fulfillmentModule } from './modules/fulfillment/module.ts';
import { identityModule } from './modules/identity/module.ts';
import { orderingModule } from './modules/ordering/module.ts';
import { paymentsModule } from './modules/payments/module.ts';
import { reviewsModule } from './modules/reviews/module.ts';
import { storefrontModule } from './modules/storefront/module.ts';
import type { ModuleDefinition } from './shared/module.ts';

// One entry a line, so that `npm run module:new` and `module:remove` add and drop modules as lines.
export const modules: readonly ModuleDefinition[] = [
  identityModule,
  catalogModule,
  paymentsModule,
  orderingModule,
  fulfillmentModule,
  reviewsModule,
  storefrontModule,
] as readonly ModuleDefinition[];
