import type { KernelConfig } from '../config.ts';

/** A running tracing SDK: `shutdown` exports what is still buffered. */
export interface TracingHandle {
  readonly exporter: string;
  readonly serviceName: string;
  shutdown(): Promise<void>;
}

type TracingSettings = Pick<
  KernelConfig,
  | 'OTEL_TRACES_EXPORTER'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
  | 'OTEL_SERVICE_NAME'
  | 'OTEL_SDK_DISABLED'
  | 'MODULES'
>;

/** What the settings ask for: no exporter at all, the console, or OTLP in one of its encodings. */
export function chosenExporter(s: TracingSettings): 'none' | 'console' | 'otlp-proto' | 'otlp-json' {
  if (s.OTEL_SDK_DISABLED || s.OTEL_TRACES_EXPORTER === 'none') return 'none';
  const otlp = s.OTEL_TRACES_EXPORTER === 'otlp' || (s.OTEL_TRACES_EXPORTER === undefined && Boolean(s.OTEL_EXPORTER_OTLP_ENDPOINT ?? s.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT));
  if (s.OTEL_TRACES_EXPORTER === 'console') return 'console';
  if (!otlp) return 'none';
  return (s.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? s.OTEL_EXPORTER_OTLP_PROTOCOL) === 'http/json' ? 'otlp-json' : 'otlp-proto';
}

/** `cafe` for the whole café in one process; `cafe-payments` (modules joined by `+`) for a process hosting some. */
export function defaultServiceName(modules: readonly string[] | undefined): string {
  return modules && modules.length > 0 ? `cafe-${modules.join('+')}` : 'cafe';
}

/**
 * Starts tracing when the settings ask for an exporter, and does nothing otherwise: the SDK and
 * exporter packages are imported only on that path, so a process without an exporter never loads
 * them (ADR 14).
 */
export async function startTracing(settings: TracingSettings): Promise<TracingHandle | undefined> {
  const exporter = chosenExporter(settings);
  if (exporter === 'none') return undefined;
  const { startSdk } = await import('./sdk.ts');
  return startSdk(exporter, settings.OTEL_SERVICE_NAME ?? defaultServiceName(settings.MODULES));
}
