import { useEffect, useState } from 'preact/hooks';
import { authed, cafe, FINAL_ORDER_STATUSES, money, problemText, shortId, UNREACHABLE, type Order, type OrderStatus } from './api.ts';
import { usePoll } from './poll.ts';
import { Reviews } from './review.tsx';

/** Places an order under the caller's idempotency key, so sending it again cannot order twice. */
export async function placeOrder(items: { itemId: string; quantity: number }[], key: string) {
  const { data, error } = await authed((headers) => cafe.POST('/api/orders', { headers, params: { header: { 'idempotency-key': key } }, body: { items } }));
  return data ? { order: data } : { error: problemText(error) };
}

// About once a second: a barista's step shows up on the customer's page while they look at it.
const LIVE_MS = 1000;
const SHOWN = 10;

const MEANING: Record<OrderStatus, string> = {
  PENDING: 'Payment is being confirmed.',
  PAID: 'Paid; waiting for a barista.',
  PREPARING: 'A barista is making it.',
  READY: 'Ready: come and collect it.',
  COMPLETED: 'Handed over. Enjoy!',
  REJECTED: 'Not accepted.',
  CANCELLED: 'Cancelled; any payment is refunded.',
};

const REASONS: Record<NonNullable<Order['reason']>, string> = {
  payment_declined: 'the wallet balance was too low',
  out_of_stock: 'an item was out of stock',
  customer_cancelled: 'you cancelled it',
};

const isFinal = (o: Order) => FINAL_ORDER_STATUSES.includes(o.status);
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

interface OrdersProps {
  customerId: string;
  /** Changes when an order was placed, so the list is read again. */
  version: number;
  /** An order moved: its payment or refund may have changed the wallet. */
  onMoved(): void;
  onReviewed(): void;
  announce(text: string): void;
}

export function Orders({ customerId, version, onMoved, onReviewed, announce }: OrdersProps) {
  const [orders, setOrders] = useState<Order[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    authed((headers) => cafe.GET('/api/orders', { headers }))
      .then(({ data, error }) => {
        if (!current) return;
        if (data) setOrders(data.slice(0, SHOWN));
        else setError(problemText(error));
      })
      .catch(() => current && setError(UNREACHABLE));
    return () => {
      current = false;
    };
  }, [version]);

  const update = (next: Order) => setOrders((list) => list?.map((o) => (o.id === next.id ? next : o)));

  const open = (orders ?? []).filter((o) => !isFinal(o));
  usePoll(
    async () => {
      for (const order of open) {
        const { data } = await authed((headers) => cafe.GET('/api/orders/{id}', { headers, params: { path: { id: order.id } } }));
        if (!data || data.status === order.status) continue;
        update(data);
        announce(`Order ${shortId(data.id)} is now ${data.status}. ${MEANING[data.status]}`);
        onMoved();
      }
    },
    LIVE_MS,
    open.length > 0,
    [open.map((o) => `${o.id}:${o.status}`).join()],
  );

  return (
    <section class="card" aria-labelledby="orders-title">
      <h2 id="orders-title">Your orders</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {orders?.length === 0 && <p class="muted">No orders yet: choose from the menu.</p>}
      <ul class="orders">
        {orders?.map((order) => (
          <OrderCard
            key={order.id}
            order={order}
            customerId={customerId}
            onCancelled={(o) => {
              update(o);
              onMoved();
              announce(`Order ${shortId(o.id)} is now ${o.status}.`);
            }}
            onReviewed={(text) => {
              onReviewed();
              announce(text);
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function OrderCard({ order, customerId, onCancelled, onReviewed }: { order: Order; customerId: string; onCancelled(order: Order): void; onReviewed(text: string): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const titleId = `order-${order.id}-title`;
  const cancellable = order.status === 'PENDING' || order.status === 'PAID';

  const cancel = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { data, error } = await authed((headers) => cafe.POST('/api/orders/{id}/cancel', { headers, params: { path: { id: order.id } } }));
      if (data) onCancelled(data);
      else setError(problemText(error));
    } catch {
      setError(UNREACHABLE);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="order" aria-labelledby={titleId}>
      <h3 id={titleId}>Order {shortId(order.id)}</h3>
      <p>
        {order.items.map((l) => `${l.quantity} × ${l.name}`).join(', ')} · {money(order.totalCents)}
      </p>
      <p>
        Status: <strong class={`status status-${order.status.toLowerCase()}`}>{order.status}</strong> <span class="muted">{MEANING[order.status]}</span>
        {order.reason && <span class="muted"> Because {REASONS[order.reason]}.</span>}
      </p>
      <details>
        <summary>Status history</summary>
        <ol class="history">
          {order.history.map((h) => (
            <li key={h.at + h.status}>
              <time dateTime={h.at}>{time.format(new Date(h.at))}</time> {h.status}
            </li>
          ))}
        </ol>
      </details>
      {cancellable && (
        <div class="actions">
          <button type="button" class="secondary" disabled={busy} onClick={() => void cancel()}>
            {busy ? 'Cancelling…' : 'Cancel order'}
          </button>
        </div>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {order.status === 'COMPLETED' && <Reviews order={order} customerId={customerId} onReviewed={onReviewed} />}
    </li>
  );
}
