/**
 * The OpenTelemetry SDK, wired for this process. Imported only by `startTracing` once the
 * settings ask for an exporter. The exporters read the standard `OTEL_EXPORTER_OTLP_*` variables
 * themselves (endpoint, headers, timeout, compression), the provider reads `OTEL_TRACES_SAMPLER`
 * and the span limits, the batch processor `OTEL_BSP_*`, the resource `OTEL_RESOURCE_ATTRIBUTES`.
 */
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context, propagation, trace } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME } from './attributes.ts';
import { spanTap } from './span-tap.ts';
import { installTracer } from './tracer.ts';
import type { TracingHandle } from './tracing.ts';

export const TRACER_NAME = 'cafe';

async function exporterFor(kind: 'console' | 'otlp-proto' | 'otlp-json'): Promise<SpanExporter> {
  if (kind === 'console') return new ConsoleSpanExporter();
  if (kind === 'otlp-json') return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
}

/**
 * Registers a tracer provider globally with the given processor: the AsyncLocalStorage context
 * manager (so the active span follows async work) and the W3C trace-context propagator (what
 * envelopes, job data and internal calls carry). Baggage is not propagated: nothing reads it.
 * The console's tap rides beside the given processor (none: the console alone asked for spans).
 */
export function registerProvider(serviceName: string, processor?: SpanProcessor): NodeTracerProvider {
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: processor ? [processor, spanTap] : [spanTap] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  installTracer(provider.getTracer(TRACER_NAME));
  return provider;
}

export async function startSdk(kind: 'console' | 'otlp-proto' | 'otlp-json', serviceName: string): Promise<TracingHandle> {
  const provider = registerProvider(serviceName, new BatchSpanProcessor(await exporterFor(kind)));
  return {
    exporter: kind,
    serviceName,
    async shutdown() {
      installTracer(undefined);
      await provider.shutdown();
      // Unregistered, so a later start in the same process (a test) can register afresh.
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
