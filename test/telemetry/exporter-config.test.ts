import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/shared/config.ts';
import { inSpan, SpanKind, tracingOn } from '../../src/shared/telemetry/tracer.ts';
import { chosenExporter, startTracing } from '../../src/shared/telemetry/tracing.ts';
import { startCollector } from './collector.ts';

const config = (env: Record<string, string>) => loadConfig({ DATA_DIR: 'memory://', ...env });

describe('which exporter the environment asks for', () => {
  it('none by default, and none when disabled whatever else is set', () => {
    expect(chosenExporter(config({}))).toBe('none');
    expect(chosenExporter(config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }))).toBe('none');
    expect(chosenExporter(config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }))).toBe('none');
  });

  it('OTLP as protobuf unless JSON is asked for, by the general or the traces variable', () => {
    expect(chosenExporter(config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }))).toBe('otlp-proto');
    expect(chosenExporter(config({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }))).toBe('otlp-json');
    expect(chosenExporter(config({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }))).toBe('otlp-proto');
    expect(chosenExporter(config({ OTEL_TRACES_EXPORTER: 'console' }))).toBe('console');
  });

  it('refuses an encoding it cannot send, naming the variable', () => {
    expect(() => config({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
    expect(() => config({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER/);
  });

  it('starts nothing without an exporter: spans stay no-ops', async () => {
    expect(await startTracing(config({}))).toBeUndefined();
    expect(tracingOn()).toBe(false);
    let recording: boolean | undefined;
    await inSpan('nothing', {}, async (span) => void (recording = span.isRecording()));
    expect(recording).toBe(false);
  });
});

describe('the OTLP exporter as configured', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  beforeAll(async () => {
    collector = await startCollector();
  });
  afterAll(() => collector?.stop());

  // One SDK at a time per process: each encoding is started, used and shut down in turn.
  it.each(['http/protobuf', 'http/json'] as const)('sends spans to the endpoint in %s', async (protocol) => {
    // The exporters read the standard variables from the process environment, as in production.
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = collector.url;
    process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] = protocol;
    try {
      const handle = await startTracing(config({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_SERVICE_NAME: 'exporter-check' }));
      expect(handle?.exporter).toBe(protocol === 'http/json' ? 'otlp-json' : 'otlp-proto');
      expect(tracingOn()).toBe(true);
      await inSpan(`checked over ${protocol}`, { kind: SpanKind.SERVER }, async () => undefined);
      await handle!.shutdown();
      expect(tracingOn()).toBe(false);
    } finally {
      delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
      delete process.env['OTEL_EXPORTER_OTLP_PROTOCOL'];
    }
    if (protocol === 'http/json') {
      expect(collector.spans).toContainEqual(expect.objectContaining({ name: 'checked over http/json', service: 'exporter-check', kind: SpanKind.SERVER }));
    } else {
      // Not decoded here; the span's name and the service name are plain strings inside the protobuf.
      const body = Buffer.concat(collector.protobuf).toString('latin1');
      expect(body).toContain('checked over http/protobuf');
      expect(body).toContain('exporter-check');
    }
    expect(collector.refused).toEqual([]);
  });
});
