import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { registerProvider } from './sdk.ts';

export type { ReadableSpan };

let exporter: InMemorySpanExporter | undefined;

/**
 * Tracing into memory, for tests: every span is kept as it ends. The provider is process-wide like
 * any OpenTelemetry provider, so a test file installs it once and reads (or resets) the spans.
 */
export function inMemoryTracing(serviceName = 'cafe'): InMemorySpanExporter {
  if (!exporter) {
    exporter = new InMemorySpanExporter();
    registerProvider(serviceName, new SimpleSpanProcessor(exporter));
  }
  return exporter;
}
