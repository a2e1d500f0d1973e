import { carryTrace, continueTrace, continueTraces, together, type ApiClient, type Tx, type Logger, type Publish, type TraceCarrier, type UnitOfWork } from '../../../shared/index.ts';
import type { PaymentsApi } from '../../payments/index.ts';
import type { OrderStore } from '../db/order-store.ts';
import type { SagaState, SagaStore } from '../db/saga-store.ts';
import { transition, type Order } from '../domain/order.ts';
import { needsCharge, nextStep, retryDelay, type RetryPolicy, type SagaEvent } from '../domain/saga-steps.ts';
import { announce } from './announce.ts';

type ChargeOutcome = Awaited<ReturnType<ApiClient<PaymentsApi>['charge']>>['outcome'];

/** The writes a settled step owes; the caller batches them across orders. */
interface Writes {
  changed: Order[];
  charged: string[];
  finished: string[];
}

/**
 * Runs claimed steps. Each runs the same way: the call to payments happens outside any
 * transaction, then one transaction re-reads the saga and the order under lock and asks the step
 * rules what the answer means now. That re-check is what makes a cancellation racing a charge
 * safe: a charge that lands for an order that is being (or was) cancelled is never turned into
 * PAID, and the money is handed back by the refund step.
 *
 * Locks are always taken saga row first, then order row, everywhere in the module.
 */
export class SagaRunner {
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
    // The step continues the trace and correlation of whatever made it owed (the placement, a cancellation).
    await continueTrace(claimed.trace, `ordering saga ${claimed.step ?? 'release'}`, async () => {
      try {
        if (claimed.step === 'charge') await this.charge(claimed);
        else if (claimed.step === 'refund') await this.refund(claimed);
        else await this.sagas.release(claimed.orderId, claimed.claimToken!);
      } catch (err) {
        await this.failed(claimed, err);
      }
    });
  }

  private async charge(claimed: SagaState): Promise<void> {
    const order = await this.orders.byId(claimed.orderId);
    if (!order || order.status !== 'PENDING') return this.nothingToPay(claimed, order);
    const outcome = await this.ask(order);
    await this.unitOfWork(async (tx, publish) => {
      const [saga, current] = await together(this.sagas.with(tx).lock(order.id), this.orders.with(tx).byId(order.id, true));
      if (!saga || !current) return;
      await this.write(tx, publish, await this.settle(tx, saga, current, claimed.claimToken!, outcome));
    });
  }

  /**
   * Runs many claimed charges: one read of their orders, the payments calls side by side, then
   * ONE transaction that applies every answer (the same re-checks as a single charge, under the
   * same locks). Under load the scheduler claims many steps at once, and this keeps the saga's
   * share of round trips per order small. If that transaction fails, each charge is settled on
   * its own, so one bad order cannot hold the others back. `known`: the orders as the caller
   * just wrote them (a placement), so they need not be read first; the settling transaction
   * re-reads them under lock all the same.
   */
  async chargeAll(claimed: readonly SagaState[], known?: ReadonlyMap<string, Order>): Promise<void> {
    if (claimed.length === 0) return;
    if (claimed.length === 1 && !known) return this.run(claimed[0]!);
    // One charge reads as one step of its order's trace; a group as its own trace linked to each.
    const single = claimed.length === 1;
    // In a group, each order's call and events continue that order's own trace.
    const traces = single ? undefined : new Map(claimed.map((c) => [c.orderId, c.trace]));
    await continueTraces(
      claimed.map((c) => c.trace),
      single ? 'ordering saga charge' : 'ordering saga charges',
      () => this.chargeGroup(claimed, traces, known),
    );
  }

  private async chargeGroup(claimed: readonly SagaState[], traces: ReadonlyMap<string, TraceCarrier> | undefined, known?: ReadonlyMap<string, Order>): Promise<void> {
    let orders: ReadonlyMap<string, Order>;
    try {
      orders = known ?? (await this.orders.byIds(claimed.map((c) => c.orderId)));
    } catch (err) {
      await Promise.all(claimed.map((c) => this.failed(c, err)));
      return;
    }
    const answered: { claimed: SagaState; order: Order; outcome: ChargeOutcome }[] = [];
    await Promise.all(
      claimed.map(async (c) => {
        const order = orders.get(c.orderId);
        try {
          if (!order || order.status !== 'PENDING') return await this.nothingToPay(c, order);
          const own = traces?.get(c.orderId);
          answered.push({ claimed: c, order, outcome: own ? await continueTrace(own, 'ordering saga charge', () => this.ask(order)) : await this.ask(order) });
        } catch (err) {
          await this.failed(c, err);
        }
      }),
    );
    if (answered.length === 0) return;
    try {
      await this.unitOfWork(async (tx, publish) => {
        const ids = answered.map((a) => a.order.id);
        // Pipelined: saga rows are locked before order rows, as everywhere, in one round trip.
        const [sagas, current] = await together(this.sagas.with(tx).lockAll(ids), this.orders.with(tx).byIds(ids, true));
        const writes: Writes = { changed: [], charged: [], finished: [] };
        for (const a of answered) {
          const saga = sagas.get(a.order.id);
          const order = current.get(a.order.id);
          if (!saga || !order) continue;
          const settled = await this.settle(tx, saga, order, a.claimed.claimToken!, a.outcome);
          writes.changed.push(...settled.changed);
          writes.charged.push(...settled.charged);
          writes.finished.push(...settled.finished);
        }
        await this.write(tx, publish, writes, traces);
      });
    } catch (err) {
      this.logger.warn({ err, orders: answered.length }, 'settling charges together failed; settling them one by one');
      // Payments answers the same again for the same order id, so asking once more is safe.
      await Promise.all(answered.map((a) => this.run(a.claimed)));
    }
  }

  /** The order stopped waiting for its money before it was asked for. */
  private async nothingToPay(claimed: SagaState, order: Order | undefined): Promise<void> {
    await this.unitOfWork(async (tx) => {
      const saga = await this.sagas.with(tx).lock(claimed.orderId);
      if (!saga) return;
      // Without its order a saga owes nothing at all.
      const next = order ? nextStep(saga, order.status, 'nothing-to-pay').next : { kind: 'done' };
      if (next.kind === 'done') await this.sagas.with(tx).finish(claimed.orderId);
      else await this.sagas.with(tx).release(claimed.orderId, claimed.claimToken!);
    });
  }

  /** Idempotent by order id: if an earlier attempt's answer was lost, this one gives it again. */
  private async ask(order: Order): Promise<ChargeOutcome> {
    if (!needsCharge(order.totalCents)) return 'charged';
    return (await this.payments.charge({ customerId: order.customerId, orderId: order.id, amountCents: order.totalCents })).outcome;
  }

  private async refund(claimed: SagaState): Promise<void> {
    // Idempotent by order id; `nothing_to_refund` when the order was never charged.
    const { outcome } = await this.payments.refund({ customerId: claimed.customerId, orderId: claimed.orderId });
    await this.unitOfWork(async (tx, publish) => {
      const [saga, current] = await together(this.sagas.with(tx).lock(claimed.orderId), this.orders.with(tx).byId(claimed.orderId, true));
      if (!saga || !current) return;
      const event: SagaEvent = outcome === 'refunded' ? 'refunded' : 'nothing-to-refund';
      await this.write(tx, publish, await this.settle(tx, saga, current, claimed.claimToken!, event));
    });
  }

  /**
   * Applies what happened to one order whose saga and order rows the caller has locked, as the
   * step rules decide. Returns the writes it owes (the caller batches them); the rare cases
   * (a refund newly owed, a claim given back) write at once.
   */
  private async settle(tx: Tx, saga: SagaState, current: Order, token: string, event: SagaEvent): Promise<Writes> {
    const decision = nextStep(saga, current.status, event);
    const writes: Writes = { changed: [], charged: decision.charged ? [current.id] : [], finished: [] };
    if (decision.order) {
      const moved = transition(current, decision.order.to, new Date().toISOString(), decision.order.reason);
      if (moved.ok) writes.changed.push(moved.order);
      else this.logger.error({ orderId: current.id, status: current.status, event }, `the saga moved on, but ${moved.refusal}`);
    }
    const sagas = this.sagas.with(tx);
    switch (decision.next.kind) {
      case 'done':
        writes.finished.push(current.id);
        break;
      case 'refund':
        this.logger.warn({ orderId: current.id, status: current.status }, 'a charge landed for an order no longer pending; refunding it');
        await sagas.owe(current.id, 'refund', decision.next.compensationReason, carryTrace());
        await sagas.release(current.id, token);
        break;
      case 'unchanged':
        await sagas.release(current.id, token);
        break;
    }
    return writes;
  }

  /** `traces`: for writes settling several orders at once, each order's events continue its own trace. */
  private async write(tx: Tx, publish: Publish, writes: Writes, traces?: ReadonlyMap<string, TraceCarrier>): Promise<void> {
    // The three updates touch rows this transaction has locked already; sent together, they cost one round trip.
    const saved = together(
      this.orders.with(tx).saveAll(writes.changed),
      this.sagas.with(tx).markChargedAll(writes.charged),
      this.sagas.with(tx).finishAll(writes.finished),
    );
    for (const moved of writes.changed) {
      const trace = traces?.get(moved.id);
      if (trace) await continueTrace(trace, 'ordering saga settle', () => announce(publish, moved, [moved.status]));
      else await announce(publish, moved, [moved.status]);
    }
    await saved;
  }

  private async failed(claimed: SagaState, err: unknown): Promise<void> {
    const delay = retryDelay(this.retry, claimed.attempts);
    this.logger.warn({ err, orderId: claimed.orderId, step: claimed.step, attempt: claimed.attempts + 1, retryInMs: delay }, 'saga step failed; will retry');
    await this.sagas.retryLater(claimed.orderId, claimed.claimToken!, claimed.step!, delay, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
}
