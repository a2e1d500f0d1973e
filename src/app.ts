import { fileURLToPath } from 'node:url';
import type { Config } from './shared/config.ts';
import { createKernel, type Kernel } from './shared/kernel.ts';
import type { Logger } from './shared/logger.ts';
import { identityApi, OPERATOR_ROLE } from './modules/identity/index.ts';
import { modules } from './modules.ts';

export { OPERATOR_ROLE };

export const MIGRATIONS_ROOT = fileURLToPath(new URL('../migrations', import.meta.url));
/** The same from src/ (tsx) and from dist/ (the bundle): the folder `npm run build:web` writes. */
export const WEB_ROOT = fileURLToPath(new URL('../dist/web', import.meta.url));
/** Likewise the migrated embedded data template `npm run build:data` writes. */
export const DATA_TEMPLATE = fileURLToPath(new URL('../dist/pgdata', import.meta.url));

/** Builds the whole application from configuration: the composition root. */
export function createApp(config: Config, options: { logger?: Logger } = {}): Promise<Kernel> {
  return createKernel({
    config,
    modules,
    migrationsRoot: MIGRATIONS_ROOT,
    webRoot: WEB_ROOT,
    dataTemplate: DATA_TEMPLATE,
    operatorRole: OPERATOR_ROLE,
    logger: options.logger,
    // Deposits, orders and every other write need a live account: asked of identity's public API.
    // A process that neither hosts identity nor knows where it lives sits behind a gateway that asked.
    confirmPrincipal: reachesIdentity(config)
      ? async (principal, api) => {
          const user = await api(identityApi).getUser({ id: principal.id });
          return user !== null && user.role === principal.role;
        }
      : undefined,
  });
}

function reachesIdentity(config: Config): boolean {
  const hosted = config.MODULES as readonly string[] | string | undefined;
  const here = hosted === undefined || (typeof hosted === 'string' ? hosted.split(',').map((m) => m.trim()) : hosted).includes('identity');
  return here || config.env['SERVICE_IDENTITY_URLS'] !== undefined;
}
