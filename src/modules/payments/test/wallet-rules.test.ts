import { describe, expect, it } from 'vitest';
import { MAX_BALANCE_CENTS, MAX_DEPOSIT_CENTS, Wallet, type WalletEvent, type WalletState } from '../domain/wallet.ts';

const at = new Date('2025-01-01T08:00:00Z');
const order = '0194a000-0000-7000-8000-000000000001';

/** Decides a deposit and applies its events, as the store would after appending them. */
function deposited(wallet: WalletState, amountCents: number): WalletState {
  const decision = Wallet.deposit(wallet, amountCents, at);
  if (!decision.ok) throw new Error(`deposit of ${amountCents} refused: ${decision.refusal.reason}`);
  return Wallet.fold(decision.events, wallet);
}

describe('Wallet limits', () => {
  it('accepts a deposit of exactly the maximum, and answers the new balance', () => {
    const wallet = deposited(Wallet.empty(), 250);
    const decision = Wallet.deposit(wallet, MAX_DEPOSIT_CENTS, at);
    expect(decision).toEqual({
      ok: true,
      events: [{ type: 'deposited', amountCents: MAX_DEPOSIT_CENTS, at }],
      result: { balanceCents: 250 + MAX_DEPOSIT_CENTS },
    });
    const refused = Wallet.deposit(wallet, MAX_DEPOSIT_CENTS + 1, at);
    expect(refused).toEqual({ ok: false, refusal: { reason: 'invalid_amount', detail: `amount must be at most ${MAX_DEPOSIT_CENTS} cents` } });
  });

  it('fills up to the balance cap exactly, then refuses even one more cent without appending', () => {
    let wallet = Wallet.empty();
    // The cap is a whole number of maximum deposits: the last one lands exactly on it.
    for (let i = 0; i < MAX_BALANCE_CENTS / MAX_DEPOSIT_CENTS; i++) wallet = deposited(wallet, MAX_DEPOSIT_CENTS);
    expect(wallet.balanceCents).toBe(MAX_BALANCE_CENTS);
    expect(Wallet.deposit(wallet, 1, at)).toEqual({ ok: false, refusal: { reason: 'balance_limit', balanceCents: MAX_BALANCE_CENTS } });

    // Below the cap, a deposit that would cross it is refused, one that reaches it is not.
    const spent = Wallet.charge(wallet, order, 100, at);
    if (!spent.ok) throw new Error('charge refused');
    const below = Wallet.fold(spent.events, wallet);
    expect(Wallet.deposit(below, 101, at)).toEqual({ ok: false, refusal: { reason: 'balance_limit', balanceCents: MAX_BALANCE_CENTS - 100 } });
    expect(Wallet.deposit(below, 100, at)).toMatchObject({ ok: true, result: { balanceCents: MAX_BALANCE_CENTS } });
  });

  it('tells a caller why a charge amount is invalid', () => {
    const wallet = deposited(Wallet.empty(), 500);
    for (const bad of [0, -1, 2.5]) {
      expect(Wallet.charge(wallet, order, bad, at)).toEqual({ ok: false, refusal: { reason: 'invalid_amount', detail: 'amount must be a positive whole number of cents' } });
    }
  });

  it('starts every stream from the same empty wallet', () => {
    const events: WalletEvent[] = [{ type: 'deposited', amountCents: 70, at }];
    expect(Wallet.empty()).toMatchObject({ version: 0, balanceCents: 0 });
    expect(Wallet.empty().charged.size + Wallet.empty().refunded.size).toBe(0);
    expect(Wallet.fold(events)).toEqual(Wallet.fold(events, Wallet.empty()));
  });
});
