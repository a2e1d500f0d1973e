import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http/app-env.ts';
import { requireRole } from '../http/auth.ts';
import { content, json, operation } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { eventStream } from './event-stream.ts';
import { graph, moduleDetail, sagaSteps, type ConsoleSources } from './model.ts';
import { ConsoleGraph, ConsoleModule, ConsoleTrace, CorrelationId, SagaSteps } from './schemas.ts';
import { SpanStore } from './span-store.ts';

export interface ConsoleOptions extends ConsoleSources {
  operatorRole: string;
  /** How long collected spans are kept (`CONSOLE_TRACE_MINUTES`). */
  traceMinutes: number;
  serviceName: string;
}

const ModuleName = z.string().min(1).max(64).regex(/^[a-z][a-z0-9-]*$/, 'a module name: lower-case letters, digits and -');

/**
 * The console's data, for operators only: the module graph, each module's contract and figures,
 * the saga's pending steps, a live stream of the bus and the traces collected while a console was
 * open. Dead letters and their replay are the operator routes under /api/admin.
 */
export function consoleRoutes(options: ConsoleOptions): OpenAPIHono<AppEnv> {
  const { operatorRole } = options;
  const spans = new SpanStore(options.traceMinutes * 60_000, options.serviceName);
  const access = { access: { roles: [operatorRole] as [string] }, guarded: true };
  const router = createRouter();
  router.use('*', requireRole(operatorRole));

  router.openapi(
    operation(
      {
        method: 'get',
        path: '/graph',
        operationId: 'consoleGraph',
        tags: ['console'],
        summary: 'The module graph: modules, API dependencies, event flows and where each module runs',
        responses: { 200: json(ConsoleGraph, 'The graph') },
      },
      access,
    ),
    (c) => c.json(graph(options), 200),
  );

  router.openapi(
    operation(
      {
        method: 'get',
        path: '/modules/{name}',
        operationId: 'consoleModule',
        tags: ['console'],
        summary: "A module's API methods and events with their schemas, its outbox and its subscriptions' counts",
        description: "Counts and latencies are this process's since it started; a module hosted elsewhere shows its contract and location only.",
        request: { params: z.object({ name: ModuleName }) },
        responses: { 200: json(ConsoleModule, 'The module') },
      },
      { ...access, errors: { 404: 'No module of that name' } },
    ),
    async (c) => {
      const { name } = c.req.valid('param');
      const def = options.modules.find((m) => m.name === name);
      if (!def) throw notFound('Module');
      return c.json(await moduleDetail(options, def), 200);
    },
  );

  router.openapi(
    operation(
      {
        method: 'get',
        path: '/saga-steps',
        operationId: 'consoleSagaSteps',
        tags: ['console'],
        summary: 'Saga steps owed and retrying, as the modules running sagas report them',
        responses: { 200: json(SagaSteps, 'Steps by module and state') },
      },
      access,
    ),
    async (c) => c.json(await sagaSteps(options), 200),
  );

  router.openapi(
    operation(
      {
        method: 'get',
        path: '/traces/{correlationId}',
        operationId: 'consoleTrace',
        tags: ['console'],
        summary: "The spans of a correlation id's traces, collected in memory while a console was open",
        description: 'Spans are collected only while a console is connected to the event stream, and kept for CONSOLE_TRACE_MINUTES.',
        request: { params: z.object({ correlationId: CorrelationId }) },
        responses: { 200: json(ConsoleTrace, 'The spans, oldest first (none when nothing was collected)') },
      },
      access,
    ),
    (c) => c.json({ collecting: spans.collecting, keptMinutes: options.traceMinutes, spans: spans.trace(c.req.valid('param').correlationId) }, 200),
  );

  router.openapi(
    operation(
      {
        method: 'get',
        path: '/events',
        operationId: 'consoleEvents',
        tags: ['console'],
        summary: "A live stream of the bus: each event published and each subscription's outcome",
        description:
          'Server-sent events: `ready` once, then `observation` (JSON: kind, eventId, type, source, correlationId, subscription, outcome, attempt, error) and a `heartbeat` every 15 s. ' +
          'While at least one stream is open, spans are collected for the trace view.',
        request: { query: z.object({ correlationId: CorrelationId.optional() }) },
        responses: { 200: content('text/event-stream', z.string(), 'The stream') },
      },
      access,
    ),
    (c) => eventStream(c, options.bus, spans, options.traceMinutes, c.req.valid('query').correlationId) as never,
  );
  return router;
}
