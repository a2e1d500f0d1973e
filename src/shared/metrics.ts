import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one kernel instance (its own registry, so tests can run several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    httpRequests: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    outboxClaimed: new Counter({ name: 'bus_outbox_claimed_total', help: 'Outbox rows claimed by the relay', labelNames: ['module'], registers: [registry] }),
    relayErrors: new Counter({ name: 'bus_relay_errors_total', help: 'Relay loop failures', labelNames: ['module'], registers: [registry] }),
    eventsHandled: new Counter({ name: 'bus_events_handled_total', help: 'Deliveries by outcome', labelNames: ['subscription', 'outcome'], registers: [registry] }),
    handlerFailures: new Counter({ name: 'bus_handler_failures_total', help: 'Handler attempts that threw', labelNames: ['subscription'], registers: [registry] }),
    deadLettered: new Counter({ name: 'bus_dead_lettered_total', help: 'Events given up on after their retries', labelNames: ['subscription'], registers: [registry] }),
    handlerDuration: new Histogram({
      name: 'bus_handler_duration_seconds',
      help: 'Handler duration including its inbox transaction',
      labelNames: ['subscription'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    outboxBacklog: new Gauge({ name: 'bus_outbox_backlog', help: 'Undispatched outbox rows (sampled at scrape and readiness checks)', labelNames: ['module'], registers: [registry] }),
    apiCalls: new Counter({ name: 'module_api_calls_total', help: 'Public API calls between modules', labelNames: ['module', 'method', 'outcome'], registers: [registry] }),
    remoteCallDuration: new Histogram({
      name: 'remote_call_duration_seconds',
      help: 'Public API calls to modules in other processes, by outcome',
      labelNames: ['module', 'method', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'remote_breaker_state',
      help: 'Circuit breaker per remote module: 0 closed, 1 open, 2 half-open, 3 isolated',
      labelNames: ['module'],
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
