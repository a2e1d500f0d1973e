import { uuidv7 } from 'uuidv7';
import { carryTrace, type ApiClient, type Tx, type Commit, type Logger, type UnitOfWork } from '../../../shared/index.ts';
import type { PaymentsApi } from '../../payments/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import type { SagaState, SagaStore } from '../db/saga-store.ts';
import type { Order, OrderStatus } from '../domain/order.ts';
import { FIRST_STEP, mirrorsProgress, nextStep, type RetryPolicy } from '../domain/saga-steps.ts';
import { SagaRunner } from './saga-runner.ts';
import { SagaScheduler } from './saga-scheduler.ts';

/** A saga begun in a placement's transaction: `claimed` when this process holds its first step. */
export interface Begun {
  order: Order;
  claimed?: SagaState;
}

export interface SagaOptions {
  retry: RetryPolicy;
  pollMs: number;
  batchSize: number;
  leaseSeconds: number;
}

/**
 * The order saga's one owner. Use cases tell it what happened (an order was placed, the customer
 * cancels, the barista rejected the ticket) and it decides, with the step rules, what is owed;
 * its scheduler then runs those steps. Nothing else in ordering writes the saga's state.
 *
 * Locks are always taken saga row first, then order row, everywhere in the module.
 */
export class OrderSaga {
  private readonly scheduler: SagaScheduler;

  constructor(
    private readonly orders: OrderStore,
    private readonly sagas: SagaStore,
    private readonly unitOfWork: UnitOfWork,
    payments: ApiClient<PaymentsApi>,
    private readonly options: SagaOptions,
    private readonly logger: Logger,
  ) {
    const runner = new SagaRunner(orders, sagas, unitOfWork, payments, options.retry, logger);
    this.scheduler = new SagaScheduler(sagas, runner, { pollMs: options.pollMs, batchSize: options.batchSize, leaseSeconds: options.leaseSeconds }, logger);
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): Promise<void> {
    return this.scheduler.stop();
  }

  /**
   * In the placement's transaction: the new order's saga, owing the charge, and claimed by this
   * process from the start while its scheduler runs, so `placed` can charge it without looking
   * for it first. If the placement rolls back, so does the claim.
   */
  async begin(tx: Tx, order: Order): Promise<Begun> {
    const trace = carryTrace();
    if (!this.scheduler.running) {
      await this.sagas.with(tx).begin(order.id, order.customerId, FIRST_STEP, trace);
      return { order };
    }
    const token = uuidv7();
    await this.sagas.with(tx).begin(order.id, order.customerId, FIRST_STEP, trace, { token, leaseSeconds: this.options.leaseSeconds });
    const claimed: SagaState = { orderId: order.id, customerId: order.customerId, step: FIRST_STEP, compensationReason: null, charged: false, attempts: 0, claimToken: token, trace };
    return { order, claimed };
  }

  /**
   * Once the placement committed: the charge runs now, in the next group of charges, rather than
   * when a scheduler round finds it. A saga begun unclaimed wakes the scheduler instead.
   */
  placed(begun: Begun): void {
    if (begun.claimed) this.scheduler.chargeNow(begun.claimed, begun.order);
    else this.scheduler.wake();
  }

  /**
   * The customer cancels an order last seen `seen` (its ticket, if any, already withdrawn): the
   * saga owes the refund and, unless a charge is landing right now, runs it at once. `moved`
   * when the order changed since the caller looked (say the charge landed: now there is a ticket
   * to withdraw).
   */
  async cancel(orderId: string, seen: OrderStatus): Promise<'moved' | 'refund-owed'> {
    const owed = await this.unitOfWork(async (tx) => {
      const sagas = this.sagas.with(tx);
      const saga = await sagas.lock(orderId);
      const current = await this.orders.with(tx).byId(orderId, true);
      if (!saga || !current || current.status !== seen) return 'moved' as const;
      const { next } = nextStep(saga, current.status, 'customer-cancelled');
      if (next.kind !== 'refund') return { claimed: undefined };
      await sagas.owe(orderId, 'refund', next.compensationReason, carryTrace());
      // Claimed in the same transaction, so the scheduler does not take the refund from under us.
      return { claimed: await sagas.claimIfFree(orderId, uuidv7(), this.options.leaseSeconds) };
    });
    if (owed === 'moved') return 'moved';
    // Not claimable: a charge is landing right now; the refund runs right after it, on its own.
    if (owed.claimed) await this.scheduler.runClaimed(owed.claimed);
    return 'refund-owed';
  }

  /** The barista rejected the ticket: the compensation (refund, then CANCELLED out_of_stock) is owed. */
  async ticketRejected(orderId: string, reason: string, commit: Commit): Promise<void> {
    const owed = await commit(async (tx) => {
      const saga = await this.sagas.with(tx).lock(orderId);
      const order = await this.orders.with(tx).byId(orderId, true);
      if (!saga || !order) return false;
      const { next } = nextStep(saga, order.status, 'ticket-rejected');
      if (next.kind !== 'refund') return false;
      this.logger.info({ orderId, reason }, 'ticket rejected; refunding and cancelling the order');
      await this.sagas.with(tx).owe(orderId, 'refund', next.compensationReason, carryTrace());
      return true;
    });
    if (owed) this.scheduler.wake();
  }

  /**
   * In the caller's transaction, before it locks the order: whether a ticket's progress may be
   * mirrored onto the order. Takes the saga's row lock, so a compensation cannot start meanwhile.
   */
  async mirrorsProgress(tx: Tx, orderId: string): Promise<boolean> {
    return mirrorsProgress(await this.sagas.with(tx).lock(orderId));
  }

  waiting(): Promise<{ owed: number; retrying: number }> {
    return this.sagas.waiting();
  }
}
