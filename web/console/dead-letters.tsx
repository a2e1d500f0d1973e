import { useState } from 'preact/hooks';
import { api } from './api.ts';
import type { DeadLetter, SagaStep } from './types.ts';
import { usePoll } from './use-poll.ts';

/** Events a subscription gave up on, with a replay each, and the saga steps still owed. */
export function DeadLettersView() {
  const letters = usePoll<DeadLetter[]>('/api/admin/dead-letters');
  const steps = usePoll<SagaStep[]>('/api/console/saga-steps');
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const replay = async (l: DeadLetter) => {
    const key = `${l.eventId}/${l.subscription}`;
    setBusy(key);
    try {
      await api(`/api/admin/dead-letters/${encodeURIComponent(l.eventId)}/${encodeURIComponent(l.subscription)}/replay`, { method: 'POST' });
      setStatus(`Replayed ${l.type} to ${l.subscription}.`);
      letters.refresh();
    } catch (err) {
      setStatus(`Replay of ${l.type} to ${l.subscription} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="letters-title">
      <h2 id="letters-title">Dead letters</h2>
      <p role="status" class="muted">
        {status ?? ''}
      </p>
      {letters.error && <p class="error" role="alert">{letters.error}</p>}
      {letters.data && letters.data.length === 0 && <p>No dead letters.</p>}
      {letters.data && letters.data.length > 0 && (
        <div class="table-scroll">
          <table class="dead-letters">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Subscription</th>
                <th scope="col">Attempts</th>
                <th scope="col">Error</th>
                <th scope="col">Failed at</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {letters.data.map((l) => (
                <tr key={`${l.eventId}/${l.subscription}`} data-subscription={l.subscription}>
                  <td>
                    <code>{l.type}</code>
                    <div class="muted small">{l.eventId}</div>
                  </td>
                  <td>
                    <code>{l.subscription}</code>
                  </td>
                  <td>{l.attempts}</td>
                  <td class="error">{l.lastError ?? '–'}</td>
                  <td>
                    <time dateTime={l.failedAt}>{new Date(l.failedAt).toLocaleString()}</time>
                  </td>
                  <td>
                    <button type="button" disabled={busy !== null} onClick={() => void replay(l)} aria-label={`Replay ${l.type} to ${l.subscription}`}>
                      Replay
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Saga steps</h2>
      <p class="muted">Owed: steps (charges, refunds) not yet settled; retrying: of those, the ones that failed at least once. As the modules report them.</p>
      {steps.error && <p class="error" role="alert">{steps.error}</p>}
      {steps.data && steps.data.length === 0 && <p>No module running here reports saga steps.</p>}
      {steps.data && steps.data.length > 0 && (
        <table class="saga-steps">
          <thead>
            <tr>
              <th scope="col">Module</th>
              <th scope="col">State</th>
              <th scope="col">Steps</th>
            </tr>
          </thead>
          <tbody>
            {steps.data.map((s) => (
              <tr key={`${s.module}/${s.state}`}>
                <td>{s.module}</td>
                <td>{s.state}</td>
                <td>{s.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
