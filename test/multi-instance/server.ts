/**
 * An app process for the multi-instance tests: the real kernel and gateway with identity and the
 * probe fixture, configured from the environment like src/main.ts. Prints `LISTENING <port>`.
 * PROBE_STALL_DISPATCH=1 gives it a transport whose dispatch never finishes, so a test can kill
 * it after a transaction committed but before the event left the outbox.
 */
import { serve } from '@hono/node-server';
import { MIGRATIONS_ROOT, OPERATOR_ROLE } from '../../src/app.ts';
import type { Transport } from '../../src/shared/bus/transport.ts';
import { loadConfig } from '../../src/shared/config.ts';
import { createKernel } from '../../src/shared/kernel.ts';
import { createProbeModule } from '../fixtures/probe/module.ts';
import { moduleNamed } from '../support/modules.ts';

const identityModule = moduleNamed('identity');

const stalled: Transport = {
  name: 'stalled',
  start: async () => {},
  dispatch: () => new Promise<void>(() => {}),
  replay: async () => {},
  health: async () => ({ ok: true }),
  stop: async () => {},
};

const config = loadConfig();
const probe = createProbeModule(process.env['PROBE_INSTANCE'] ?? `pid-${process.pid}`);
const kernel = await createKernel({
  config,
  modules: [identityModule, probe.module],
  migrationsRoot: MIGRATIONS_ROOT,
  operatorRole: OPERATOR_ROLE,
  transport: process.env['PROBE_STALL_DISPATCH'] === '1' ? () => stalled : undefined,
});
const server = serve({ fetch: kernel.app.fetch, port: config.PORT, hostname: '127.0.0.1' }, (info) => console.log(`LISTENING ${info.port}`));
const shutdown = () => {
  server.close();
  kernel.stop().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
