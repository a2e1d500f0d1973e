/**
 * payments' public entry. Wallets are event-sourced inside the module; others see only these
 * calls and events. `charge` and `refund` are idempotent by order id, so a saga may retry them.
 */
import { z } from 'zod';
import { defineApi, defineEvent } from '../../shared/index.ts';

const customerId = z.uuid();
const orderId = z.uuid();
const cents = z.number().int();

export const ChargeResult = z.discriminatedUnion('outcome', [
  /** Charged now, or already charged for this order earlier (same answer). */
  z.object({ outcome: z.literal('charged'), amountCents: cents, balanceCents: cents }),
  /**
   * `insufficient_funds`: the wallet cannot pay. `order_closed`: the order was refunded (closed)
   * before this charge arrived, so it is never charged; asked again, the answer stays the same.
   */
  z.object({ outcome: z.literal('declined'), reason: z.enum(['insufficient_funds', 'order_closed']), balanceCents: cents }),
]);
export type ChargeResult = z.infer<typeof ChargeResult>;

export const RefundResult = z.object({
  /**
   * `nothing_to_refund`: the order was never charged (or was refunded already: then `refunded`
   * again). A refund closes the order for payments: a charge for it arriving later is declined.
   */
  outcome: z.enum(['refunded', 'nothing_to_refund']),
  amountCents: cents,
  balanceCents: cents,
});
export type RefundResult = z.infer<typeof RefundResult>;

export const paymentsApi = defineApi('payments', {
  charge: { input: z.object({ customerId, orderId, amountCents: cents.positive() }), output: ChargeResult, idempotent: true },
  refund: { input: z.object({ customerId, orderId }), output: RefundResult, idempotent: true },
  balance: { input: z.object({ customerId }), output: z.object({ balanceCents: cents }), idempotent: true },
});
export type PaymentsApi = typeof paymentsApi;

export const WalletCharged = defineEvent('payments.wallet-charged', z.object({ customerId, orderId, amountCents: cents }), { key: (p) => p.customerId });
export const WalletRefunded = defineEvent('payments.wallet-refunded', z.object({ customerId, orderId, amountCents: cents }), { key: (p) => p.customerId });
