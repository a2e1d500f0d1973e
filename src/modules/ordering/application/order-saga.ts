import type { ApiClient } from '../../../shared/api.ts';
import type { Publish } from '../../../shared/bus/subscription.ts';
import type { Tx } from '../../../shared/db/database.ts';
import type { Logger } from '../../../shared/logger.ts';
import type { PaymentsApi } from '../../payments/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import type { SagaState, SagaStore } from '../db/saga-store.ts';
import { transition, type Order } from '../domain/order.ts';
import { announce } from './announce.ts';

type ChargeResult = { outcome: Awaited<ReturnType<ApiClient<PaymentsApi>['charge']>>['outcome'] };

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
      await this.failed(claimed, err);
    }
  }

  private async charge(claimed: SagaState, token: string): Promise<void> {
    const order = await this.orders.byId(claimed.orderId);
    if (!order || order.status !== 'PENDING') return this.nothingToPay(claimed, token);
    const result = await this.ask(order);
    await this.unitOfWork(async (tx, publish) => {
      const sagas = this.sagas.with(tx);
      const saga = await sagas.lock(order.id);
      const current = await this.orders.with(tx).byId(order.id, true);
      if (!saga || !current) return;
      const settled = await this.settleCharge(tx, saga, current, token, result);
      await this.orders.with(tx).saveAll(settled.changed);
      for (const moved of settled.changed) await announce(publish, moved, [moved.status]);
      await sagas.markChargedAll(settled.charged);
      await sagas.finishAll(settled.finished);
    });
  }

  /**
   * Runs many claimed charges: one read of their orders, the payments calls side by side, then
   * ONE transaction that applies every answer (the same re-checks as a single charge, under the
   * same locks). Under load the scheduler claims many steps at once, and this keeps the saga's
   * share of round trips per order small. If that transaction fails, each charge is settled on
   * its own, so one bad order cannot hold the others back.
   */
  async chargeAll(claimed: readonly SagaState[]): Promise<void> {
    if (claimed.length <= 1) {
      await Promise.all(claimed.map((c) => this.run(c)));
      return;
    }
    let orders: Map<string, Order>;
    try {
      orders = await this.orders.byIds(claimed.map((c) => c.orderId));
    } catch (err) {
      await Promise.all(claimed.map((c) => this.failed(c, err)));
      return;
    }
    const answered: { claimed: SagaState; order: Order; result: ChargeResult }[] = [];
    await Promise.all(
      claimed.map(async (c) => {
        const order = orders.get(c.orderId);
        try {
          if (!order || order.status !== 'PENDING') return await this.nothingToPay(c, c.claimToken!);
          answered.push({ claimed: c, order, result: await this.ask(order) });
        } catch (err) {
          await this.failed(c, err);
        }
      }),
    );
    if (answered.length === 0) return;
    try {
      await this.unitOfWork(async (tx, publish) => {
        const ids = answered.map((a) => a.order.id);
        const sagas = await this.sagas.with(tx).lockAll(ids);
        const current = await this.orders.with(tx).byIds(ids, true);
        const changed: Order[] = [];
        const charged: string[] = [];
        const finished: string[] = [];
        for (const a of answered) {
          const saga = sagas.get(a.order.id);
          const order = current.get(a.order.id);
          if (!saga || !order) continue;
          const settled = await this.settleCharge(tx, saga, order, a.claimed.claimToken!, a.result);
          changed.push(...settled.changed);
          charged.push(...settled.charged);
          finished.push(...settled.finished);
        }
        await this.orders.with(tx).saveAll(changed);
        for (const moved of changed) await announce(publish, moved, [moved.status]);
        await this.sagas.with(tx).markChargedAll(charged);
        await this.sagas.with(tx).finishAll(finished);
      });
    } catch (err) {
      this.logger.warn({ err, orders: answered.length }, 'settling charges together failed; settling them one by one');
      // Payments answers the same again for the same order id, so asking once more is safe.
      await Promise.all(answered.map((a) => this.run(a.claimed)));
    }
  }

  /** Nothing to pay for any more; whatever settled the order owns what comes next. */
  private async nothingToPay(claimed: SagaState, token: string): Promise<void> {
    await this.unitOfWork(async (tx) => {
      const sagas = this.sagas.with(tx);
      const saga = await sagas.lock(claimed.orderId);
      if (saga?.step === 'charge') await sagas.finish(claimed.orderId);
      else await sagas.release(claimed.orderId, token);
    });
  }

  /** Idempotent by order id: if an earlier attempt's answer was lost, this one gives it again. */
  private ask(order: Order): Promise<ChargeResult> {
    return order.totalCents === 0
      ? Promise.resolve({ outcome: 'charged' } as const)
      : this.payments.charge({ customerId: order.customerId, orderId: order.id, amountCents: order.totalCents });
  }

  /**
   * Applies payments' answer to one order whose saga and order rows the caller has locked.
   * Returns the writes it owes (the caller batches them): the moved order, whether the saga
   * records a charge, whether the step is finished. Rare cases write at once.
   */
  private async settleCharge(tx: Tx, saga: SagaState, current: Order, token: string, result: ChargeResult): Promise<{ changed: Order[]; charged: string[]; finished: string[] }> {
    const sagas = this.sagas.with(tx);
    const charged = result.outcome === 'charged' ? [current.id] : [];
    if (saga.step === 'charge' && current.status === 'PENDING') {
      const at = new Date().toISOString();
      const moved = result.outcome === 'charged' ? transition(current, 'PAID', at) : transition(current, 'REJECTED', at, 'payment_declined');
      if (!moved.ok) throw new Error(moved.refusal);
      return { changed: [moved.order], charged, finished: [current.id] };
    }
    if (result.outcome === 'charged' && saga.step === null) {
      // The order was settled without this charge (cancelled meanwhile): the money goes back.
      this.logger.warn({ orderId: current.id, status: current.status }, 'a charge landed for an order no longer pending; refunding it');
      await sagas.oweRefund(current.id, null);
    }
    // Otherwise a cancellation is under way: the refund it owes runs once this claim is released.
    await sagas.release(current.id, token);
    return { changed: [], charged, finished: [] };
  }

  private async failed(claimed: SagaState, err: unknown): Promise<void> {
    const delay = backoff(this.retry, claimed.attempts);
    this.logger.warn({ err, orderId: claimed.orderId, step: claimed.step, attempt: claimed.attempts + 1, retryInMs: delay }, 'saga step failed; will retry');
    await this.sagas.retryLater(claimed.orderId, claimed.claimToken!, claimed.step!, delay, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
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
