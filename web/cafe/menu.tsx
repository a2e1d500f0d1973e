import { useState } from 'preact/hooks';
import { cafe, money, problemText, randomKey, UNREACHABLE, type MenuEntry } from './api.ts';
import { placeOrder } from './order.tsx';
import { usePoll } from './poll.ts';

const MAX_QUANTITY = 20;
// The storefront's menu is fed by events, so a new rating shows up a moment after its review.
const MENU_REFRESH_MS = 3000;

function Rating({ entry }: { entry: MenuEntry }) {
  if (entry.avgRating === null || entry.reviewCount === 0) return <p class="rating muted">No reviews yet</p>;
  const reviews = entry.reviewCount === 1 ? '1 review' : `${entry.reviewCount} reviews`;
  return (
    <p class="rating">
      <span aria-hidden="true" class="star">★</span> {entry.avgRating.toFixed(1)} out of 5 · {reviews}
    </p>
  );
}

interface MenuProps {
  /** Customers get a quantity per item and can order; everyone else reads the menu. */
  canOrder: boolean;
  signedIn: boolean;
  /** Changes when the menu should be read again at once (a review was posted). */
  version: number;
  onPlaced(orderId: string): void;
  announce(text: string): void;
}

export function Menu({ canOrder, signedIn, version, onPlaced, announce }: MenuProps) {
  const [menu, setMenu] = useState<MenuEntry[]>();
  const [loadError, setLoadError] = useState<string>();
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  // One key per order the customer means to place: a retry after a lost answer places it once.
  const [orderKey, setOrderKey] = useState(randomKey);
  const [busy, setBusy] = useState(false);
  const [orderError, setOrderError] = useState<string>();

  usePoll(
    async () => {
      try {
        const { data, error } = await cafe.GET('/api/storefront/menu');
        if (data) {
          setMenu(data);
          setLoadError(undefined);
        } else setLoadError(problemText(error));
      } catch {
        setLoadError(UNREACHABLE);
      }
    },
    MENU_REFRESH_MS,
    true,
    [version],
  );

  const lines = (menu ?? []).filter((e) => e.available && (quantities[e.id] ?? 0) > 0).map((e) => ({ entry: e, quantity: quantities[e.id]! }));
  const total = lines.reduce((sum, l) => sum + l.entry.priceCents * l.quantity, 0);

  const setQuantity = (id: string, typed: string) => {
    const n = Math.max(0, Math.min(MAX_QUANTITY, Math.trunc(Number(typed)) || 0));
    setQuantities((q) => ({ ...q, [id]: n }));
    setOrderKey(randomKey());
  };

  const order = async (e: Event) => {
    e.preventDefault();
    if (lines.length === 0) {
      setOrderError('Choose a quantity of at least one item first.');
      return;
    }
    setBusy(true);
    setOrderError(undefined);
    try {
      const placed = await placeOrder(
        lines.map((l) => ({ itemId: l.entry.id, quantity: l.quantity })),
        orderKey,
      );
      if (placed.order) {
        setQuantities({});
        setOrderKey(randomKey());
        announce(`Order placed for ${money(placed.order.totalCents)}. Its status is ${placed.order.status}.`);
        onPlaced(placed.order.id);
      } else setOrderError(placed.error);
    } catch {
      setOrderError(UNREACHABLE);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="menu-title">
      <h2 id="menu-title">Menu</h2>
      {loadError && <p class="error" role="alert">{loadError}</p>}
      {menu === undefined && !loadError && <p class="muted">Loading the menu…</p>}
      {menu?.length === 0 && <p class="muted">The menu is empty just now.</p>}
      <form onSubmit={order} aria-label={canOrder ? 'Order from the menu' : undefined}>
        <ul class="menu">
          {menu?.map((entry) => (
            <li key={entry.id} class="card menu-item">
              <h3>{entry.name}</h3>
              <p class="price">{money(entry.priceCents)}</p>
              <Rating entry={entry} />
              {!entry.available && <p class="muted">Sold out</p>}
              {canOrder && entry.available && (
                <div class="quantity">
                  <label for={`qty-${entry.id}`}>
                    Quantity<span class="sr-only"> of {entry.name}</span>
                  </label>
                  <input
                    id={`qty-${entry.id}`}
                    type="number"
                    min={0}
                    max={MAX_QUANTITY}
                    step={1}
                    inputMode="numeric"
                    value={quantities[entry.id] ?? 0}
                    onInput={(e) => setQuantity(entry.id, e.currentTarget.value)}
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
        {canOrder && (
          <div class="order-bar">
            <p>
              Total: <strong>{money(total)}</strong>
            </p>
            <button type="submit" disabled={busy}>{busy ? 'Placing your order…' : 'Place order'}</button>
          </div>
        )}
        {orderError && <p class="error" role="alert">{orderError}</p>}
      </form>
      {!signedIn && <p class="muted">Sign in or create an account to order.</p>}
    </section>
  );
}
