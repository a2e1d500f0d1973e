import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import type { SpanRecord, Trace } from './types.ts';

/** Spans in tree order: each after its parent, siblings by start time. */
function treeOrder(spans: SpanRecord[]): { span: SpanRecord; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, SpanRecord[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const out: { span: SpanRecord; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      out.push({ span: s, depth });
      walk(s.spanId, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** One correlation id's traces as a waterfall, from the spans this process collected while a console was open. */
export function TraceView({ correlationId }: { correlationId: string }) {
  const [draft, setDraft] = useState(correlationId);
  const [trace, setTrace] = useState<Trace | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft(correlationId);
    setTrace(null);
    setError(null);
    if (!correlationId) return;
    api<Trace>(`/api/console/traces/${encodeURIComponent(correlationId)}`).then(setTrace, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [correlationId]);

  const rows = trace ? treeOrder(trace.spans) : [];
  const start = Math.min(...rows.map((r) => r.span.startMs));
  const end = Math.max(...rows.map((r) => r.span.startMs + r.span.durationMs));
  const total = Math.max(1, end - start);
  const modules = [...new Set(rows.map((r) => r.span.module).filter(Boolean))];
  return (
    <section aria-labelledby="trace-title">
      <h2 id="trace-title">Trace waterfall</h2>
      <p class="muted">
        Spans are collected in memory only while a console is open, and kept {trace ? `${trace.keptMinutes} minutes` : 'for a few minutes'}: orders placed while no console was open have no trace here.
      </p>
      <form
        class="filter"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = `#/trace/${encodeURIComponent(draft.trim())}`;
        }}
      >
        <label>
          Correlation id
          <input name="correlationId" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} required spellcheck={false} />
        </label>
        <button type="submit">Show trace</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {trace && rows.length === 0 && <p>No spans collected for {correlationId}.</p>}
      {rows.length > 0 && (
        <>
          <p>
            {rows.length} spans over {total.toFixed(1)} ms, from {modules.length} modules: {modules.join(', ')}.
          </p>
          <div class="table-scroll">
            <table class="waterfall">
              <thead>
                <tr>
                  <th scope="col">Span</th>
                  <th scope="col">Module</th>
                  <th scope="col">Start (ms)</th>
                  <th scope="col">Duration (ms)</th>
                  <th scope="col" class="bar-col">
                    <span class="sr-only">Timeline</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ span, depth }) => (
                  <tr key={span.spanId} class={span.error ? 'span-error' : undefined} data-module={span.module ?? ''}>
                    <th scope="row" class="span-name">
                      <span class="indent" style={{ paddingLeft: `${depth * 0.9}rem` }}>
                        {span.name}
                      </span>
                      {span.error && <span class="tag error-tag">error</span>}
                    </th>
                    <td>{span.module ?? '–'}</td>
                    <td>{(span.startMs - start).toFixed(1)}</td>
                    <td>{span.durationMs.toFixed(1)}</td>
                    <td class="bar-col" aria-hidden="true">
                      <div class="bar-track">
                        <div class="bar" style={{ left: `${((span.startMs - start) / total) * 100}%`, width: `${Math.max(0.4, (span.durationMs / total) * 100)}%` }} />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
