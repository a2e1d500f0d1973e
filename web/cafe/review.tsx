import { useEffect, useState } from 'preact/hooks';
import { authed, cafe, problemSlug, problemText, UNREACHABLE, type Order } from './api.ts';

const RATINGS = [
  [5, '5 – excellent'],
  [4, '4 – good'],
  [3, '3 – all right'],
  [2, '2 – poor'],
  [1, '1 – bad'],
] as const;

// Reviews learns that an order is completed from an event, a moment after the order says so:
// a refusal for that reason is worth a few quiet retries before it is shown.
const NOT_COMPLETED_RETRIES = 8;
const RETRY_MS = 750;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Line = Order['items'][number];

function ReviewForm({ order, line, onPosted }: { order: Order; line: Line; onPosted(rating: number): void }) {
  const [rating, setRating] = useState(5);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const id = `review-${order.id}-${line.itemId}`;

  const post = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      for (let attempt = 0; ; attempt++) {
        const { data, error } = await authed((headers) => cafe.POST('/api/reviews', { headers, body: { orderId: order.id, itemId: line.itemId, rating, text } }));
        if (data) return onPosted(data.rating);
        if (problemSlug(error) === 'already-reviewed') return onPosted(rating);
        if (problemSlug(error) !== 'order-not-completed' || attempt >= NOT_COMPLETED_RETRIES) return setError(problemText(error));
        await wait(RETRY_MS);
      }
    } catch {
      setError(UNREACHABLE);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="review" onSubmit={post} aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>Review {line.name}</h4>
      <label for={`${id}-rating`}>Rating for {line.name}</label>
      <select id={`${id}-rating`} value={String(rating)} onChange={(e) => setRating(Number(e.currentTarget.value))}>
        {RATINGS.map(([value, label]) => (
          <option key={value} value={String(value)}>
            {label}
          </option>
        ))}
      </select>
      <label for={`${id}-text`}>Your review of {line.name}</label>
      <textarea id={`${id}-text`} rows={2} maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <div class="actions">
        <button type="submit" disabled={busy}>{busy ? 'Posting…' : 'Post review'}</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

/** A review form per item of a completed order, or the rating already given to it. */
export function Reviews({ order, customerId, onReviewed }: { order: Order; customerId: string; onReviewed(text: string): void }) {
  const [given, setGiven] = useState<Record<string, number>>();

  useEffect(() => {
    let current = true;
    // Reviews are public and listed by item; the customer's own for this order say what is done already.
    Promise.all(
      order.items.map(async (line) => {
        const { data } = await cafe.GET('/api/reviews', { params: { query: { itemId: line.itemId } } });
        const mine = data?.find((r) => r.orderId === order.id && r.customerId === customerId);
        return [line.itemId, mine?.rating] as const;
      }),
    )
      .then((found) => {
        if (current) setGiven(Object.fromEntries(found.filter((f): f is readonly [string, number] => f[1] !== undefined)));
      })
      .catch(() => current && setGiven({}));
    return () => {
      current = false;
    };
  }, [order.id, customerId]);

  if (!given) return null;
  return (
    <div class="reviews">
      {order.items.map((line) =>
        given[line.itemId] !== undefined ? (
          <p key={line.itemId} class="ok">
            You rated {line.name} {given[line.itemId]} out of 5. Thank you!
          </p>
        ) : (
          <ReviewForm
            key={line.itemId}
            order={order}
            line={line}
            onPosted={(rating) => {
              setGiven((g) => ({ ...g, [line.itemId]: rating }));
              onReviewed(`Thank you: your review of ${line.name} is posted.`);
            }}
          />
        ),
      )}
    </div>
  );
}
