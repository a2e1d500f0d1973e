import { useState } from 'preact/hooks';
import { authed, cafe, problemText, shortId, UNREACHABLE, type Ticket } from './api.ts';
import { usePoll } from './poll.ts';

const BOARD_MS = 2000;

type Step = 'start' | 'ready' | 'handover';
const COLUMNS = [
  { status: 'QUEUED', title: 'Queued', step: 'start', label: 'Start' },
  { status: 'PREPARING', title: 'Preparing', step: 'ready', label: 'Mark ready' },
  { status: 'READY', title: 'Ready', step: 'handover', label: 'Hand over' },
] as const satisfies readonly { status: Ticket['status']; title: string; step: Step; label: string }[];

const ACTIVE = COLUMNS.map((c) => c.status);

/** Every open ticket by its stage, read every couple of seconds; each moves one step with a button. */
export function BaristaBoard({ announce }: { announce(text: string): void }) {
  const [tickets, setTickets] = useState<Ticket[]>();
  const [error, setError] = useState<string>();

  usePoll(
    async () => {
      try {
        const answers = await Promise.all(ACTIVE.map((status) => authed((headers) => cafe.GET('/api/fulfillment/tickets', { headers, params: { query: { status } } }))));
        const failed = answers.find((a) => !a.data);
        if (failed) return setError(problemText(failed.error));
        setError(undefined);
        setTickets(answers.flatMap((a) => a.data ?? []));
      } catch {
        setError(UNREACHABLE);
      }
    },
    BOARD_MS,
    true,
  );

  const moved = (next: Ticket) => {
    setTickets((list) => list?.map((t) => (t.id === next.id ? next : t)).filter((t) => (ACTIVE as readonly string[]).includes(t.status)));
    announce(`Ticket for order ${shortId(next.orderId)} is now ${next.status}.`);
  };

  return (
    <section aria-labelledby="board-title">
      <h2 id="board-title">Barista board</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {tickets === undefined && !error && <p class="muted">Loading tickets…</p>}
      <div class="board">
        {COLUMNS.map((column) => {
          const inColumn = (tickets ?? []).filter((t) => t.status === column.status);
          return (
            <div class="board-column card" key={column.status}>
              <h3>
                {column.title} <span class="count">({inColumn.length})</span>
              </h3>
              {inColumn.length === 0 && <p class="muted">None.</p>}
              <ul class="tickets">
                {inColumn.map((ticket) => (
                  <TicketCard key={ticket.id} ticket={ticket} step={column.step} stepLabel={column.label} onMoved={moved} />
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </section>
  );
}

function TicketCard({ ticket, step, stepLabel, onMoved }: { ticket: Ticket; step: Step; stepLabel: string; onMoved(ticket: Ticket): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [reason, setReason] = useState('');
  const name = shortId(ticket.orderId);
  const titleId = `ticket-${ticket.id}-title`;
  const rejectable = ticket.status === 'QUEUED' || ticket.status === 'PREPARING';

  const run = async (call: () => Promise<{ data?: Ticket; error?: Parameters<typeof problemText>[0] }>) => {
    setBusy(true);
    setError(undefined);
    try {
      const { data, error } = await call();
      if (data) onMoved(data);
      else setError(problemText(error));
    } catch {
      setError(UNREACHABLE);
    } finally {
      setBusy(false);
    }
  };
  const path = { id: ticket.id };
  const advance = () =>
    run(() =>
      authed((headers) =>
        step === 'start'
          ? cafe.POST('/api/fulfillment/tickets/{id}/start', { headers, params: { path } })
          : step === 'ready'
            ? cafe.POST('/api/fulfillment/tickets/{id}/ready', { headers, params: { path } })
            : cafe.POST('/api/fulfillment/tickets/{id}/handover', { headers, params: { path } }),
      ),
    );
  const reject = (e: Event) => {
    e.preventDefault();
    void run(() => authed((headers) => cafe.POST('/api/fulfillment/tickets/{id}/reject', { headers, params: { path }, body: { reason: reason.trim() } })));
  };

  return (
    <li class="ticket" aria-labelledby={titleId}>
      <h4 id={titleId}>Order {name}</h4>
      <ul class="lines">
        {ticket.items.map((l) => (
          <li key={l.itemId}>
            {l.quantity} × {l.name}
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => void advance()}>
          {stepLabel}
          <span class="sr-only"> order {name}</span>
        </button>
      </div>
      {rejectable && (
        <form class="reject" onSubmit={reject}>
          <label for={`reject-${ticket.id}`}>Reason to reject order {name}</label>
          <div class="inline">
            <input id={`reject-${ticket.id}`} required maxLength={200} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            <button type="submit" class="secondary" disabled={busy}>
              Reject<span class="sr-only"> order {name}</span>
            </button>
          </div>
        </form>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </li>
  );
}
