import type { Principal } from '../auth/tokens.ts';
import type { Logger } from '../logger.ts';

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal?: Principal;
    /** The client's network address, for rate limits. */
    clientAddress?: string;
  };
}
