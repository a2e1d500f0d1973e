/** The shapes the console's API routes answer (see /docs, tag "console"). */
export interface GraphModule {
  name: string;
  mountPath: string | null;
  runs: 'here' | 'remote' | 'nowhere';
  breaker: string | null;
  instances: { base: string; healthy: boolean }[];
  api: string[];
  requires: string[];
  publishes: string[];
  subscriptions: { name: string; event: string }[];
}

export interface Graph {
  modules: GraphModule[];
  apiDependencies: { from: string; to: string }[];
  eventFlows: { from: string; to: string; event: string; subscription: string }[];
}

export interface ModuleDetail {
  name: string;
  runs: GraphModule['runs'];
  breaker: string | null;
  instances: GraphModule['instances'];
  contract: {
    api: Record<string, { input: unknown; output: unknown; idempotent: boolean }>;
    events: Record<string, { version: number; payload: unknown }>;
  };
  outbox: { undispatched: number; oldestAgeSeconds: number } | null;
  subscriptions: {
    name: string;
    event: string;
    from: string | null;
    handled: number;
    duplicates: number;
    failed: number;
    deadLettered: number;
    latency: { count: number; meanMs: number | null; p50Ms: number | null; p95Ms: number | null };
  }[];
  gauges: { name: string; labels: Record<string, string>; value: number }[];
}

export interface Observation {
  kind: 'published' | 'handled' | 'failed' | 'dead-lettered';
  eventId: string;
  type: string;
  source: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  at: string;
  subscription?: string;
  outcome?: string;
  attempt?: number;
  error?: string;
}

export interface DeadLetter {
  eventId: string;
  subscription: string;
  module: string;
  type: string;
  attempts: number;
  lastError: string | null;
  failedAt: string;
  envelope: { correlationId?: string };
}

export interface SagaStep {
  module: string;
  metric: string;
  state: string;
  count: number;
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  service: string;
  module: string | null;
  startMs: number;
  durationMs: number;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
}

export interface Trace {
  collecting: boolean;
  keptMinutes: number;
  spans: SpanRecord[];
}
