import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './shared/config.ts';
import { createLogger } from './shared/logger.ts';
import { modules } from './modules.ts';

async function main(): Promise<void> {
  let config;
  try {
    // The kernel's and every module's settings at once: one start-up names every bad variable.
    config = loadConfig(process.env, {}, modules);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const started = performance.now();
  const kernel = await createApp(config, { logger });
  const server = serve({ fetch: kernel.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.info(
      { port: info.port, database: kernel.db.kind, transport: kernel.bus.transport.name, startupMs: Math.round(performance.now() - started) },
      `listening on http://localhost:${info.port}`,
    );
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests and in-flight events');
    server.close();
    kernel
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
