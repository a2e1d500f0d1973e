import { useState } from 'preact/hooks';
import { connector, layout, NODE } from './graph-layout.ts';
import type { Graph, GraphModule } from './types.ts';
import { usePoll } from './use-poll.ts';

const where = (m: GraphModule) =>
  m.runs === 'here' ? 'runs here' : m.runs === 'remote' ? `remote, ${m.instances.filter((i) => i.healthy).length}/${m.instances.length} up, breaker ${m.breaker}` : 'not located';

/** The module graph as the definitions declare it, drawn by hand: API calls solid, event flows dashed. */
export function GraphView() {
  const { data, error } = usePoll<Graph>('/api/console/graph');
  const [showEvents, setShowEvents] = useState(true);
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!data) return <p aria-busy="true">Loading the module graph…</p>;
  const { nodes, width, height } = layout(data);
  const at = new Map(nodes.map((n) => [n.name, n]));
  const flows = new Map<string, { from: string; to: string; events: string[] }>();
  for (const f of data.eventFlows) {
    if (f.from === f.to || !at.has(f.from) || !at.has(f.to)) continue;
    const key = `${f.from}>${f.to}`;
    const flow = flows.get(key) ?? { from: f.from, to: f.to, events: [] };
    flow.events.push(f.event);
    flows.set(key, flow);
  }
  return (
    <section aria-labelledby="graph-title">
      <h2 id="graph-title">Module graph</h2>
      <p class="muted">
        Solid arrows: a module calls another's API. Dashed arrows: events flow from publisher to subscriber. Select a module for its contract and figures.
      </p>
      <label class="inline">
        <input type="checkbox" checked={showEvents} onChange={(e) => setShowEvents(e.currentTarget.checked)} /> Show event flows
      </label>
      <div class="graph-scroll">
        <svg class="graph" viewBox={`0 0 ${width} ${height}`} width={width} height={height} aria-labelledby="graph-svg-title">
          <title id="graph-svg-title">Modules with their API dependencies and event flows</title>
          <defs>
            <marker id="arrow-api" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" class="arrow-api" />
            </marker>
            <marker id="arrow-event" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" class="arrow-event" />
            </marker>
          </defs>
          {showEvents &&
            [...flows.values()].map((f) => (
              <path key={`e-${f.from}-${f.to}`} d={connector(at.get(f.from)!, at.get(f.to)!, 0.18)} class="edge-event" marker-end="url(#arrow-event)">
                <title>{`${f.from} → ${f.to}: ${f.events.join(', ')}`}</title>
              </path>
            ))}
          {data.apiDependencies.map((d) =>
            at.has(d.from) && at.has(d.to) ? (
              <path key={`a-${d.from}-${d.to}`} d={connector(at.get(d.from)!, at.get(d.to)!)} class="edge-api" marker-end="url(#arrow-api)">
                <title>{`${d.from} calls the ${d.to} API`}</title>
              </path>
            ) : null,
          )}
          {data.modules.map((m) => {
            const n = at.get(m.name)!;
            return (
              <a key={m.name} href={`#/module/${m.name}`} class={`node node-${m.runs} breaker-${m.breaker ?? 'none'}`}>
                <rect x={n.x} y={n.y} width={NODE.width} height={NODE.height} rx="8" />
                <text x={n.x + NODE.width / 2} y={n.y + 24} text-anchor="middle" class="node-name">
                  {m.name}
                </text>
                <text x={n.x + NODE.width / 2} y={n.y + 44} text-anchor="middle" class="node-where">
                  {m.runs === 'remote' ? `remote · breaker ${m.breaker}` : m.runs === 'here' ? 'runs here' : 'not located'}
                </text>
              </a>
            );
          })}
        </svg>
      </div>
      <h3>Modules</h3>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">Where it runs</th>
              <th scope="col">API methods</th>
              <th scope="col">Calls</th>
              <th scope="col">Publishes</th>
              <th scope="col">Subscribes to</th>
            </tr>
          </thead>
          <tbody>
            {data.modules.map((m) => (
              <tr key={m.name}>
                <th scope="row">
                  <a href={`#/module/${m.name}`}>{m.name}</a>
                </th>
                <td>
                  {where(m)}
                  {m.instances.length > 0 && <ul class="plain">{m.instances.map((i) => <li key={i.base}>{`${i.base} ${i.healthy ? 'up' : 'down'}`}</li>)}</ul>}
                </td>
                <td>{m.api.join(', ') || '–'}</td>
                <td>{m.requires.join(', ') || '–'}</td>
                <td>{m.publishes.join(', ') || '–'}</td>
                <td>{[...new Set(m.subscriptions.map((s) => s.event))].join(', ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
