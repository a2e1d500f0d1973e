import { z } from '@hono/zod-openapi';

/** The console's answers as the OpenAPI document states them. */

const Instance = z.object({ base: z.string(), healthy: z.boolean() });
const Runs = z.enum(['here', 'remote', 'nowhere']).openapi({ description: '`here`: in this process; `remote`: at the instances listed; `nowhere`: neither hosted nor located' });

export const ConsoleGraph = z
  .object({
    modules: z.array(
      z.object({
        name: z.string(),
        mountPath: z.string().nullable(),
        runs: Runs,
        breaker: z.string().nullable().openapi({ description: 'The remote module\'s circuit breaker: closed, open, half-open or isolated' }),
        instances: z.array(Instance),
        api: z.array(z.string()),
        requires: z.array(z.string()),
        publishes: z.array(z.string()),
        subscriptions: z.array(z.object({ name: z.string(), event: z.string() })),
      }),
    ),
    apiDependencies: z.array(z.object({ from: z.string(), to: z.string() })),
    eventFlows: z.array(z.object({ from: z.string(), to: z.string(), event: z.string(), subscription: z.string() })),
  })
  .openapi('ConsoleGraph');

const JsonSchema = z.record(z.string(), z.unknown());

export const ConsoleModule = z
  .object({
    name: z.string(),
    runs: Runs,
    breaker: z.string().nullable(),
    instances: z.array(Instance),
    contract: z.object({
      module: z.string(),
      api: z.record(z.string(), z.object({ input: JsonSchema, output: JsonSchema, idempotent: z.boolean() })),
      events: z.record(z.string(), z.object({ version: z.number().int(), payload: JsonSchema })),
    }),
    outbox: z.object({ undispatched: z.number().int().nonnegative(), oldestAgeSeconds: z.number().nonnegative() }).nullable().openapi({ description: 'Null for a module hosted elsewhere' }),
    subscriptions: z.array(
      z.object({
        name: z.string(),
        event: z.string(),
        from: z.string().nullable(),
        handled: z.number(),
        duplicates: z.number(),
        failed: z.number(),
        deadLettered: z.number(),
        latency: z.object({ count: z.number(), meanMs: z.number().nullable(), p50Ms: z.number().nullable(), p95Ms: z.number().nullable() }),
      }),
    ),
    gauges: z.array(z.object({ name: z.string(), labels: z.record(z.string(), z.string()), value: z.number() })),
  })
  .openapi('ConsoleModule');

export const SagaSteps = z
  .array(z.object({ module: z.string(), metric: z.string(), state: z.string(), count: z.number() }))
  .openapi('ConsoleSagaSteps');

export const ConsoleTrace = z
  .object({
    collecting: z.boolean().openapi({ description: 'Whether spans are being collected now (only while a console is connected)' }),
    keptMinutes: z.number().int().positive(),
    spans: z.array(
      z.object({
        traceId: z.string(),
        spanId: z.string(),
        parentSpanId: z.string().nullable(),
        name: z.string(),
        kind: z.number().int(),
        service: z.string(),
        module: z.string().nullable(),
        startMs: z.number(),
        durationMs: z.number(),
        error: z.boolean(),
        attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
      }),
    ),
  })
  .openapi('ConsoleTrace');

export const CorrelationId = z.string().min(1).max(255).regex(/^[\w\-=.:]+$/, 'letters, digits and - _ = . : only');
