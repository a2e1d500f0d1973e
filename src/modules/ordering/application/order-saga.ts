import type { ApiClient } from '../../../shared/api.ts';
import type { Publish } from '../../../shared/bus/subscription.ts';
import type { Tx } from '../../../shared/db/database.ts';
import type { Logger } from '../../../shared/logger.ts';
import type { PaymentsApi } from '../../payments/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import type { SagaState, SagaStore } from '../db/saga-store.ts';
import { transition } from '../domain/order.ts';
import { announce } from './announce.ts';

export type UnitOfWork = <T>(work: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * The orchestrator's steps. Each runs the same way: the call to payments happens outside any
 * transaction, then one transaction re-reads the saga and the order under lock and applies the
 * answer only if it still fits. That re-check is what makes a cancellation racing a charge safe:
 * a charge that lands for an order that is being (or was) cancelled is never turned into PAID,
 * and the money is handed back by the refund step.
 *
 * Locks are always taken saga row first, then order row, everywhere in the module.
 */
export class OrderSaga {
  constructor(
    private readonly orders: OrderStore,
    private readonly sagas: SagaStore,
    private readonly unitOfWork: UnitOfWork,
    private readonly payments: ApiClient<PaymentsApi>,
    private readonly retry: RetryPolicy,
    private readonly logger: Logger,
  ) {}

  /** Runs one claimed step; any failure (payments unreachable, busy, a bug) means "try again later". */
  async run(claimed: SagaState): Promise<void> {
    const token = claimed.claimToken!;
    try {
      if (claimed.step === 'charge') await this.charge(claimed, token);
      else if (claimed.step === 'refund') await this.refund(claimed, token);
      else await this.sagas.release(claimed.orderId, token);
    } catch (err) {
      const delay = backoff(this.retry, claimed.attempts);
      this.logger.warn({ err, orderId: claimed.orderId, step: claimed.step, attempt: claimed.attempts + 1, retryInMs: delay }, 'saga step failed; will retry');
      await this.sagas.retryLater(claimed.orderId, token, claimed.step!, delay, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    }
  }

  private async charge(claimed: SagaState, token: string): Promise<void> {
    const order = await this.orders.byId(claimed.orderId);
    if (!order || order.status !== 'PENDING') {
      // Nothing to pay for any more; whatever settled the order owns what comes next.
      await this.unitOfWork(async (tx) => {
        const sagas = this.sagas.with(tx);
        const saga = await sagas.lock(claimed.orderId);
        if (saga?.step === 'charge') await sagas.finish(claimed.orderId);
        else await sagas.release(claimed.orderId, token);
      });
      return;
    }
    // Idempotent by order id: if an earlier attempt's answer was lost, this one gives it again.
    const result = order.totalCents === 0 ? ({ outcome: 'charged' } as const) : await this.payments.charge({ customerId: order.customerId, orderId: order.id, amountCents: order.totalCents });
    await this.unitOfWork(async (tx, publish) => {
      const sagas = this.sagas.with(tx);
      const orders = this.orders.with(tx);
      const saga = await sagas.lock(order.id);
      const current = await orders.byId(order.id, true);
      if (!saga || !current) return;
      if (result.outcome === 'charged') await sagas.markCharged(order.id);
      const at = new Date().toISOString();
      if (saga.step === 'charge' && current.status === 'PENDING') {
        const moved = result.outcome === 'charged' ? transition(current, 'PAID', at) : transition(current, 'REJECTED', at, 'payment_declined');
        if (!moved.ok) throw new Error(moved.refusal);
        await orders.save(moved.order);
        await announce(publish, moved.order, [moved.order.status]);
        await sagas.finish(order.id);
        return;
      }
      if (result.outcome === 'charged' && saga.step === null) {
        // The order was settled without this charge (cancelled meanwhile): the money goes back.
        this.logger.warn({ orderId: order.id, status: current.status }, 'a charge landed for an order no longer pending; refunding it');
        await sagas.oweRefund(order.id, null);
      }
      // Otherwise a cancellation is under way: the refund it owes runs once this claim is released.
      await sagas.release(order.id, token);
    });
  }

  private async refund(claimed: SagaState, token: string): Promise<void> {
    // Idempotent by order id; `nothing_to_refund` when the order was never charged.
    await this.payments.refund({ customerId: claimed.customerId, orderId: claimed.orderId });
    await this.unitOfWork(async (tx, publish) => {
      const sagas = this.sagas.with(tx);
      const orders = this.orders.with(tx);
      const saga = await sagas.lock(claimed.orderId);
      const current = await orders.byId(claimed.orderId, true);
      if (!saga || !current) return;
      if (saga.step !== 'refund') {
        await sagas.release(claimed.orderId, token);
        return;
      }
      // Only now, with the money back, may the order say CANCELLED.
      if (saga.compensationReason && current.status !== 'CANCELLED') {
        const moved = transition(current, 'CANCELLED', new Date().toISOString(), saga.compensationReason);
        if (moved.ok) {
          await orders.save(moved.order);
          await announce(publish, moved.order, ['CANCELLED']);
        } else {
          this.logger.error({ orderId: current.id, status: current.status, reason: saga.compensationReason }, `refunded, but ${moved.refusal}`);
        }
      }
      await sagas.finish(claimed.orderId);
    });
  }
}

/** Doubling delay with jitter, capped: a payments outage is not hammered by every waiting order at once. */
export function backoff(policy: RetryPolicy, attempts: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempts, 20));
  return Math.round(exp * (0.75 + Math.random() * 0.25));
}
