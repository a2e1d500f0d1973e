import type { ModuleDetail } from './types.ts';
import { usePoll } from './use-poll.ts';

const ms = (v: number | null) => (v === null ? '–' : v < 10 ? v.toFixed(1) : Math.round(v).toString());

function Schema({ label, schema }: { label: string; schema: unknown }) {
  return (
    <details>
      <summary>{label}</summary>
      <pre tabIndex={0}>{JSON.stringify(schema, null, 2)}</pre>
    </details>
  );
}

/** One module: its API and events with their schemas, its outbox, its subscriptions' figures. */
export function ModuleView({ name, modules }: { name: string; modules: string[] }) {
  const { data, error } = usePoll<ModuleDetail>(`/api/console/modules/${encodeURIComponent(name)}`);
  return (
    <section aria-labelledby="module-title" class="with-aside">
      <nav aria-label="Modules" class="aside">
        <ul class="plain">
          {modules.map((m) => (
            <li key={m}>
              <a href={`#/module/${m}`} aria-current={m === name ? 'page' : undefined}>
                {m}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div>
        <h2 id="module-title">Module {name}</h2>
        {error && <p class="error" role="alert">{error}</p>}
        {!data && !error && <p aria-busy="true">Loading…</p>}
        {data && <Detail m={data} />}
      </div>
    </section>
  );
}

function Detail({ m }: { m: ModuleDetail }) {
  const methods = Object.entries(m.contract.api);
  const events = Object.entries(m.contract.events);
  return (
    <>
      <p>
        {m.runs === 'here' ? 'Runs in this process.' : m.runs === 'remote' ? `Runs elsewhere; breaker ${m.breaker}.` : 'Neither hosted here nor located.'}
        {m.instances.length > 0 && ` Instances: ${m.instances.map((i) => `${i.base} (${i.healthy ? 'up' : 'down'})`).join(', ')}.`}
      </p>
      <h3>Outbox</h3>
      {m.outbox ? (
        <p>
          <strong class="figure">{m.outbox.undispatched}</strong> undispatched, oldest waiting <strong class="figure">{m.outbox.oldestAgeSeconds.toFixed(1)} s</strong>
        </p>
      ) : (
        <p class="muted">Kept by the process that hosts the module.</p>
      )}
      <h3>API methods</h3>
      {methods.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="plain contract">
          {methods.map(([method, c]) => (
            <li key={method}>
              <code>{method}</code> {c.idempotent && <span class="tag">idempotent</span>}
              <Schema label={`${method} input`} schema={c.input} />
              <Schema label={`${method} output`} schema={c.output} />
            </li>
          ))}
        </ul>
      )}
      <h3>Events published</h3>
      {events.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="plain contract">
          {events.map(([type, e]) => (
            <li key={type}>
              <code>{type}</code> <span class="tag">v{e.version}</span>
              <Schema label={`${type} payload`} schema={e.payload} />
            </li>
          ))}
        </ul>
      )}
      <h3>Subscriptions</h3>
      {m.subscriptions.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption class="muted">Counted by this process since it started; latency from the event's outbox write to handled.</caption>
            <thead>
              <tr>
                <th scope="col">Subscription</th>
                <th scope="col">Event</th>
                <th scope="col">Handled</th>
                <th scope="col">Duplicates</th>
                <th scope="col">Failed attempts</th>
                <th scope="col">Dead-lettered</th>
                <th scope="col">Latency mean / p50 / p95 (ms)</th>
              </tr>
            </thead>
            <tbody>
              {m.subscriptions.map((s) => (
                <tr key={s.name}>
                  <th scope="row">
                    <code>{s.name}</code>
                  </th>
                  <td>
                    {s.event}
                    {s.from && <span class="muted"> from {s.from}</span>}
                  </td>
                  <td>{s.handled}</td>
                  <td>{s.duplicates}</td>
                  <td class={s.failed > 0 ? 'error' : undefined}>{s.failed}</td>
                  <td class={s.deadLettered > 0 ? 'error' : undefined}>{s.deadLettered}</td>
                  <td>{`${ms(s.latency.meanMs)} / ≤${ms(s.latency.p50Ms)} / ≤${ms(s.latency.p95Ms)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {m.gauges.length > 0 && (
        <>
          <h3>Module gauges</h3>
          <ul class="plain">
            {m.gauges.map((g) => (
              <li key={g.name + JSON.stringify(g.labels)}>
                <code>{g.name}</code>
                {Object.entries(g.labels).map(([k, v]) => ` ${k}=${v}`)}: <strong>{g.value}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
