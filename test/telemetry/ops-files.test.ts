import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { balanced, metricNamesIn } from './promql.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The alert rules and the dashboard name only series that /metrics exposes, and are well formed. */
describe('the operations files', () => {
  let app: TestApp;
  let exposed: Set<string>;

  beforeAll(async () => {
    app = await startTestApp();
    const res = await app.http.get('/metrics', await app.adminToken());
    expect(res.status).toBe(200);
    // Every family the registry declares, whether or not it has a sample yet (a breaker has none in the monolith).
    exposed = new Set<string>();
    for (const m of (res.body as string).matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
      exposed.add(m[1]!);
      if (m[2] === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exposed.add(m[1]! + suffix);
    }
  });
  afterAll(() => app?.stop());

  it('the expression reader finds names and skips functions, labels and groupings', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket{status=~"5.."}[5m])))')).toEqual(['http_request_duration_seconds_bucket']);
    expect(metricNamesIn('max by (module) (a_seconds) > 120 and b_total')).toEqual(['a_seconds', 'b_total']);
    expect(balanced('sum(rate(x[5m])')).toBe(false);
  });

  it('alerts.yml: the three rules, each complete, on exposed series', () => {
    const doc = parse(read('ops/prometheus/alerts.yml')) as { groups: { name: string; rules: Rule[] }[] };
    const rules = doc.groups.flatMap((g) => {
      expect(g.name).toMatch(/^[\w-]+$/);
      return g.rules;
    });
    expect(rules.map((r) => r.alert).sort()).toEqual(['CafeBreakerOpen', 'CafeDeadLetters', 'CafeOutboxStuck']);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(balanced(rule.expr), rule.expr).toBe(true);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['page', 'ticket']).toContain(rule.labels?.['severity']);
      expect(rule.annotations?.['summary'], rule.alert).toBeTruthy();
      const names = metricNamesIn(rule.expr);
      expect(names.length, rule.expr).toBeGreaterThan(0);
      for (const name of names) expect(exposed.has(name), `${rule.alert} uses ${name}, which /metrics does not expose`).toBe(true);
    }
  });

  it('the Grafana dashboard: valid JSON whose every query selects exposed series', () => {
    const dashboard = JSON.parse(read('ops/grafana/cafe-dashboard.json')) as { uid: string; panels: { id: number; title: string; targets: { expr: string; refId: string }[] }[] };
    expect(dashboard.uid).toBe('cafe-main');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(10);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const used = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect(balanced(target.expr), target.expr).toBe(true);
        for (const name of metricNamesIn(target.expr)) {
          expect(exposed.has(name), `panel "${panel.title}" uses ${name}, which /metrics does not expose`).toBe(true);
          used.add(name);
        }
      }
    }
    // The main series each have a panel.
    for (const name of ['bus_outbox_oldest_age_seconds', 'bus_dead_letters', 'remote_breaker_state', 'bus_event_latency_seconds_bucket', 'ordering_saga_steps', 'db_pool_transactions_waiting']) {
      expect(used.has(name), name).toBe(true);
    }
  });
});
