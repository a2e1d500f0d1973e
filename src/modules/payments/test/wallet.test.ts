import { describe, expect, it } from 'vitest';
import { MAX_DEPOSIT_CENTS, Wallet, type WalletEvent } from '../domain/wallet.ts';

const at = new Date('2025-01-01T08:00:00Z');
const order = (n: number) => `0194a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** Applies a decision's events, as the store would after appending them. */
function run(events: WalletEvent[], decision: { ok: true; events: WalletEvent[] } | { ok: false }): WalletEvent[] {
  return decision.ok ? [...events, ...decision.events] : events;
}

describe('Wallet (pure rules)', () => {
  it('folds deposits, charges and refunds into a balance and a version', () => {
    const events: WalletEvent[] = [
      { type: 'deposited', amountCents: 1000, at },
      { type: 'charged', amountCents: 300, orderId: order(1), at },
      { type: 'refunded', amountCents: 300, orderId: order(1), at },
      { type: 'charged', amountCents: 250, orderId: order(2), at },
    ];
    const wallet = Wallet.fold(events);
    expect(wallet.balanceCents).toBe(750);
    expect(wallet.version).toBe(4);
    // Folding in two halves gives the same wallet as folding at once.
    expect(Wallet.fold(events.slice(2), Wallet.fold(events.slice(0, 2)))).toEqual(wallet);
  });

  it('declines a charge it cannot cover and appends nothing', () => {
    const wallet = Wallet.fold([{ type: 'deposited', amountCents: 100, at }]);
    expect(Wallet.charge(wallet, order(1), 101, at)).toEqual({ ok: false, refusal: { reason: 'insufficient_funds', balanceCents: 100 } });
    expect(Wallet.charge(wallet, order(1), 5_000_000_000, at)).toMatchObject({ ok: false, refusal: { reason: 'insufficient_funds' } });
    expect(Wallet.charge(wallet, order(1), 0, at)).toMatchObject({ ok: false, refusal: { reason: 'invalid_amount' } });
    const exact = Wallet.charge(wallet, order(1), 100, at);
    expect(exact).toMatchObject({ ok: true, result: { outcome: 'charged', amountCents: 100, balanceCents: 0 } });
  });

  it('charges an order once: the second charge repeats the first answer with no new event', () => {
    let events = run([], Wallet.deposit(Wallet.empty(), 500, at));
    events = run(events, Wallet.charge(Wallet.fold(events), order(1), 200, at));
    const again = Wallet.charge(Wallet.fold(events), order(1), 999, at);
    expect(again).toEqual({ ok: true, events: [], result: { outcome: 'charged', amountCents: 200, balanceCents: 300 } });
  });

  it('refunds exactly what was charged, once; an uncharged order has nothing to refund', () => {
    let events = run([], Wallet.deposit(Wallet.empty(), 500, at));
    events = run(events, Wallet.charge(Wallet.fold(events), order(1), 200, at));
    // Refunding an uncharged order closes it: a tombstone, and no money moves.
    expect(Wallet.refund(Wallet.fold(events), order(2), at)).toEqual({
      ok: true,
      events: [{ type: 'voided', orderId: order(2), at }],
      result: { outcome: 'nothing_to_refund', amountCents: 0, balanceCents: 300 },
    });
    const first = Wallet.refund(Wallet.fold(events), order(1), at);
    expect(first).toMatchObject({ ok: true, events: [{ type: 'refunded', amountCents: 200, orderId: order(1) }], result: { outcome: 'refunded', balanceCents: 500 } });
    events = run(events, first);
    const second = Wallet.refund(Wallet.fold(events), order(1), at);
    expect(second).toEqual({ ok: true, events: [], result: { outcome: 'refunded', amountCents: 200, balanceCents: 500 } });
    // A refunded order is not charged again: its id stays spent.
    expect(Wallet.charge(Wallet.fold(events), order(1), 200, at)).toMatchObject({ ok: true, events: [] });
  });

  it('refuses, as often as asked, a charge that arrives after its order was closed uncharged', () => {
    let events = run([], Wallet.deposit(Wallet.empty(), 500, at));
    events = run(events, Wallet.refund(Wallet.fold(events), order(1), at));
    const closed = Wallet.fold(events);
    expect(closed.voided).toEqual(new Set([order(1)]));
    expect(Wallet.charge(closed, order(1), 200, at)).toEqual({ ok: false, refusal: { reason: 'order_closed', balanceCents: 500 } });
    // Refunding it again leaves no second tombstone; other orders are charged as before.
    expect(Wallet.refund(closed, order(1), at)).toEqual({ ok: true, events: [], result: { outcome: 'nothing_to_refund', amountCents: 0, balanceCents: 500 } });
    expect(Wallet.charge(closed, order(2), 200, at)).toMatchObject({ ok: true, result: { outcome: 'charged', balanceCents: 300 } });
    expect(Wallet.fold(events).balanceCents).toBe(500);
  });

  it('a charge that landed first is refunded: no tombstone, and the charge stays answered as charged', () => {
    let events = run([], Wallet.deposit(Wallet.empty(), 500, at));
    events = run(events, Wallet.charge(Wallet.fold(events), order(1), 200, at));
    events = run(events, Wallet.refund(Wallet.fold(events), order(1), at));
    expect(events.map((e) => e.type)).toEqual(['deposited', 'charged', 'refunded']);
    expect(Wallet.charge(Wallet.fold(events), order(1), 200, at)).toEqual({ ok: true, events: [], result: { outcome: 'charged', amountCents: 200, balanceCents: 500 } });
  });

  it('refuses deposits that are not positive whole cents or exceed the limit', () => {
    for (const bad of [0, -5, 1.5, Number.NaN, MAX_DEPOSIT_CENTS + 1]) {
      expect(Wallet.deposit(Wallet.empty(), bad, at)).toMatchObject({ ok: false, refusal: { reason: 'invalid_amount' } });
    }
  });

  it('never lets any sequence of decisions drive the balance below zero', () => {
    // A deterministic pseudo-random walk over deposits, charges and refunds.
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let events: WalletEvent[] = [];
    for (let i = 0; i < 1000; i++) {
      const wallet = Wallet.fold(events);
      const kind = rnd(3);
      const decision =
        kind === 0 ? Wallet.deposit(wallet, 1 + rnd(300), at) : kind === 1 ? Wallet.charge(wallet, order(rnd(200)), 1 + rnd(500), at) : Wallet.refund(wallet, order(rnd(200)), at);
      events = run(events, decision);
      expect(Wallet.fold(events).balanceCents).toBeGreaterThanOrEqual(0);
    }
  });
});
