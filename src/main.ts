import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './shared/config.ts';
import { startingFetch } from './shared/http/starting.ts';
import type { Kernel } from './shared/kernel.ts';
import { createLogger } from './shared/logger.ts';
import { modules } from './modules.ts';
import { startTracing } from './shared/telemetry/tracing.ts';

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
  // Before the app, so the first request is traced; nothing is loaded when no exporter is set.
  const tracing = await startTracing(config);
  if (tracing) logger.info({ exporter: tracing.exporter, serviceName: tracing.serviceName }, 'tracing on');

  // The port opens before the kernel is up: liveness answers at once, readiness and every other
  // route 503 with Retry-After until the modules are ready, then the gateway takes over.
  let fetch: (request: Request, env: unknown) => Response | Promise<Response> = startingFetch;
  let port = config.PORT;
  let server!: Server;
  const listening = new Promise<void>((resolve) => {
    server = serve(
      {
        fetch: (request, env) => fetch(request, env),
        port: config.PORT,
        hostname: config.HOST,
        // Node's own defaults let a slow client hold a connection for five minutes.
        serverOptions: { requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS, headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS, keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS },
      },
      (info) => {
        port = info.port;
        logger.info({ port, startupMs: Math.round(performance.now() - started) }, `starting: /health/live answers on port ${port}`);
        resolve();
      },
    ) as Server;
  });
  // Undefined until the modules are up: a shutdown before then has nothing to drain.
  let kernel: Kernel | undefined = undefined;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests and in-flight events');
    // Whatever Redis or Postgres are doing (reconnecting, hanging), the process is gone by then.
    setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting anyway');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    server.close();
    server.closeIdleConnections();
    // Stopped while starting: nothing was handed a request or an event yet.
    if (!kernel) process.exit(0);
    kernel
      .stop()
      // Spans still buffered go out before the process does.
      .then(() => tracing?.shutdown())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  kernel = await createApp(config, { logger });
  await listening;
  fetch = kernel.app.fetch;
  logger.info(
    { port, database: kernel.db.kind, transport: kernel.bus.transport.name, startupMs: Math.round(performance.now() - started), phasesMs: kernel.startupMs },
    `listening on http://localhost:${port}`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
