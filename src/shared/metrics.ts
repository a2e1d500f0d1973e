import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds, from a few milliseconds (an in-process handler) to the minutes an event may wait out an outage. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * Prometheus metrics of one kernel instance (its own registry, so tests can run several). Names
 * carry their unit, counters end in `_total`, and every label takes values from a closed set
 * (route templates, module, subscription and event type names): never ids or raw paths.
 * docs/operations.md says what each means.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const samplers: (() => Promise<void>)[] = [];
  const m = {
    registry,
    httpRequests: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    eventsPublished: new Counter({ name: 'bus_events_published_total', help: 'Events the relay handed to the transport, by type', labelNames: ['type'], registers }),
    outboxClaimed: new Counter({ name: 'bus_outbox_claimed_total', help: 'Outbox rows claimed by the relay', labelNames: ['module'], registers }),
    relayErrors: new Counter({ name: 'bus_relay_errors_total', help: 'Relay loop failures', labelNames: ['module'], registers }),
    eventsHandled: new Counter({ name: 'bus_events_handled_total', help: 'Deliveries settled, by outcome (handled or duplicate)', labelNames: ['subscription', 'type', 'outcome'], registers }),
    handlerFailures: new Counter({ name: 'bus_handler_failures_total', help: 'Handler attempts that threw', labelNames: ['subscription', 'type'], registers }),
    deadLettered: new Counter({ name: 'bus_dead_lettered_total', help: 'Events given up on after their retries', labelNames: ['subscription'], registers }),
    handlerDuration: new Histogram({
      name: 'bus_handler_duration_seconds',
      help: 'Handler duration including its inbox transaction',
      labelNames: ['subscription'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    }),
    eventLatency: new Histogram({
      name: 'bus_event_latency_seconds',
      help: 'From the event occurring (its outbox write) to a subscription having handled it',
      labelNames: ['subscription'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    outboxBacklog: new Gauge({ name: 'bus_outbox_backlog', help: 'Undispatched outbox rows (sampled at scrape and readiness checks)', labelNames: ['module'], registers }),
    outboxOldestAge: new Gauge({
      name: 'bus_outbox_oldest_age_seconds',
      help: 'Age of the oldest undispatched outbox row, 0 when none (sampled at scrape)',
      labelNames: ['module'],
      registers,
    }),
    deadLetters: new Gauge({ name: 'bus_dead_letters', help: 'Dead letters waiting for replay (sampled at scrape)', labelNames: ['subscription'], registers }),
    apiCalls: new Counter({ name: 'module_api_calls_total', help: 'Public API calls between modules', labelNames: ['module', 'method', 'outcome'], registers }),
    remoteCallDuration: new Histogram({
      name: 'remote_call_duration_seconds',
      help: 'Public API calls to modules in other processes, by outcome',
      labelNames: ['module', 'method', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    breakerState: new Gauge({
      name: 'remote_breaker_state',
      help: 'Circuit breaker per remote module: 0 closed, 1 open, 2 half-open, 3 isolated',
      labelNames: ['module'],
      registers,
    }),
    dbTransactionsInUse: new Gauge({ name: 'db_pool_transactions_in_use', help: 'Transactions holding one of the module\'s connections', labelNames: ['module'], registers }),
    dbTransactionsWaiting: new Gauge({
      name: 'db_pool_transactions_waiting',
      help: 'Transactions asked for and not yet begun: waiting for a free connection of the module\'s pool',
      labelNames: ['module'],
      registers,
    }),
    dbPoolSize: new Gauge({ name: 'db_pool_size_connections', help: 'Connections the module\'s pool may open', labelNames: ['module'], registers }),

    /** Runs before every scrape: for values read from the database rather than counted as they happen. */
    sampleOnScrape(sampler: () => Promise<void>): void {
      samplers.push(sampler);
    },
    /** Runs every sampler; a failed one leaves its last values. */
    async sample(): Promise<void> {
      await Promise.allSettled(samplers.map((s) => s()));
    },
    /** The registry's text, after every sampler ran. */
    async scrape(): Promise<string> {
      await m.sample();
      return registry.metrics();
    },
    /**
     * A gauge a module owns, sampled at scrape. Its name must start with the module's name, so
     * modules' metrics never collide with each other's or the kernel's.
     */
    moduleGauge(module: string, spec: { name: string; help: string; label?: string; sample: () => Promise<number | Record<string, number>> }): void {
      if (!spec.name.startsWith(`${module}_`) || !/^[a-z][a-z0-9_]*$/.test(spec.name)) {
        throw new Error(`Module ${module} may only register metrics named ${module}_<what>_<unit>, not ${spec.name}`);
      }
      const gauge = new Gauge({ name: spec.name, help: spec.help, labelNames: spec.label ? [spec.label] : [], registers });
      samplers.push(async () => {
        const value = await spec.sample();
        if (typeof value === 'number') gauge.set(value);
        else for (const [labelValue, n] of Object.entries(value)) gauge.set({ [spec.label!]: labelValue }, n);
      });
    },
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
