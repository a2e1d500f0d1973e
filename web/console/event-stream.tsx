import { useState } from 'preact/hooks';
import { inOrder, type StreamedEvent } from './events.ts';
import type { StreamState } from './stream.ts';

const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour12: false }) + `.${iso.slice(20, 23)}`;

/** The bus as it happens, since this console opened; a correlation id narrows it to one story. */
export function EventStreamView({ events, state, filter, onFilter }: { events: Map<string, StreamedEvent>; state: StreamState; filter: string; onFilter: (cid: string) => void }) {
  const [draft, setDraft] = useState(filter);
  const shown = inOrder(events.values()).filter((e) => !filter || e.correlationId === filter);
  const apply = (cid: string) => {
    setDraft(cid);
    onFilter(cid);
  };
  return (
    <section aria-labelledby="stream-title">
      <h2 id="stream-title">Event stream</h2>
      <p class="muted">
        Stream: <span class={`stream-${state}`}>{state}</span>. Events appear from the moment this console opened; each row lists the subscriptions the event reached.
      </p>
      <form
        class="filter"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft.trim());
        }}
      >
        <label>
          Correlation id
          <input name="correlationId" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} placeholder="all events" spellcheck={false} />
        </label>
        <button type="submit">Filter</button>
        {filter && (
          <>
            <button type="button" class="secondary" onClick={() => apply('')}>
              Show all
            </button>
            <a class="button-link" href={`#/trace/${encodeURIComponent(filter)}`}>
              Trace waterfall for {filter}
            </a>
          </>
        )}
      </form>
      <p aria-live="polite" class="muted">
        {shown.length} {shown.length === 1 ? 'event' : 'events'}
        {filter ? ` with correlation id ${filter}` : ''}
      </p>
      <div class="table-scroll">
        <table class="events">
          <thead>
            <tr>
              <th scope="col">Occurred</th>
              <th scope="col">Type</th>
              <th scope="col">Source</th>
              <th scope="col">Correlation id</th>
              <th scope="col">Handlers reached</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr key={e.eventId} data-event-type={e.type}>
                <td>
                  <time dateTime={e.occurredAt}>{time(e.occurredAt)}</time>
                </td>
                <td>
                  <code>{e.type}</code>
                </td>
                <td>{e.source}</td>
                <td>
                  <button type="button" class="link" onClick={() => apply(e.correlationId)} aria-label={`Show only correlation id ${e.correlationId}`}>
                    {e.correlationId}
                  </button>
                </td>
                <td>
                  {e.handlers.size === 0 ? (
                    <span class="muted">none yet</span>
                  ) : (
                    <ul class="plain">
                      {[...e.handlers].map(([sub, h]) => (
                        <li key={sub} class={`outcome-${h.outcome}`}>
                          <code>{sub}</code>: {h.outcome}
                          {h.error && <span class="muted"> ({h.error})</span>}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
