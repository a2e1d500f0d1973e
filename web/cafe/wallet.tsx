import { useEffect, useState } from 'preact/hooks';
import { authed, cafe, money, problemText, UNREACHABLE } from './api.ts';

/** Euros as typed ("4", "4.5", "4,50") to whole cents; undefined for anything else. */
export function toCents(typed: string): number | undefined {
  const m = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(typed);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The balance and a top-up form; `version` changes when an order may have charged or refunded it. */
export function Wallet({ version, announce }: { version: number; announce(text: string): void }) {
  const [balance, setBalance] = useState<number>();
  const [amount, setAmount] = useState('10');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    authed((headers) => cafe.GET('/api/payments/wallet', { headers, params: { query: { limit: 1 } } }))
      .then(({ data, error }) => {
        if (!current) return;
        if (data) setBalance(data.balanceCents);
        else setError(problemText(error));
      })
      .catch(() => current && setError(UNREACHABLE));
    return () => {
      current = false;
    };
  }, [version]);

  const topUp = async (e: Event) => {
    e.preventDefault();
    const amountCents = toCents(amount);
    if (!amountCents) {
      setError('Enter an amount in euros, such as 10 or 7.50.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const { data, error } = await authed((headers) => cafe.POST('/api/payments/wallet/deposits', { headers, body: { amountCents } }));
      if (data) {
        setBalance(data.balanceCents);
        announce(`Topped up ${money(amountCents)}. Your balance is ${money(data.balanceCents)}.`);
      } else setError(problemText(error));
    } catch {
      setError(UNREACHABLE);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="wallet-title">
      <h2 id="wallet-title">Wallet</h2>
      <p class="balance">
        Balance: <strong data-testid="balance">{balance === undefined ? '…' : money(balance)}</strong>
      </p>
      <form onSubmit={topUp}>
        <label for="top-up-amount">Top-up amount (€)</label>
        <div class="inline">
          <input id="top-up-amount" inputMode="decimal" autocomplete="off" required value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
          <button type="submit" disabled={busy}>{busy ? 'Topping up…' : 'Top up'}</button>
        </div>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
    </section>
  );
}
