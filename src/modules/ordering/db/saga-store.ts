import { eq, inArray, sql } from 'drizzle-orm';
import { query, type Executor, type TraceCarrier } from '../../../shared/index.ts';
import { once } from './prepared.ts';
import type { OrderReason } from '../domain/order.ts';
import type { SagaStep } from '../domain/saga-steps.ts';
import { sagas } from './schema.ts';

export type { SagaStep };

/** The saga's row: what is owed (the domain's `SagaPosition`) and the runner's bookkeeping. */
export interface SagaState {
  orderId: string;
  customerId: string;
  step: SagaStep | null;
  compensationReason: OrderReason | null;
  charged: boolean;
  attempts: number;
  claimToken: string | null;
  /** The trace and correlation the step continues when it runs. */
  trace: TraceCarrier;
}

interface RawRow {
  order_id: string;
  customer_id: string;
  step: SagaStep | null;
  compensation_reason: OrderReason | null;
  charged: boolean;
  attempts: number;
  claim_token: string | null;
  traceparent: string | null;
  correlation_id: string | null;
}

const fromRaw = (r: RawRow): SagaState => ({
  orderId: r.order_id,
  customerId: r.customer_id,
  step: r.step,
  compensationReason: r.compensation_reason,
  charged: r.charged,
  attempts: r.attempts,
  claimToken: r.claim_token,
  trace: { traceparent: r.traceparent, correlationId: r.correlation_id },
});

const columns = {
  orderId: sagas.orderId,
  customerId: sagas.customerId,
  step: sagas.step,
  compensationReason: sagas.compensationReason,
  charged: sagas.charged,
  attempts: sagas.attempts,
  claimToken: sagas.claimToken,
  traceparent: sagas.traceparent,
  correlationId: sagas.correlationId,
};

type SelectedRow = Omit<SagaState, 'trace'> & TraceCarrier;

const fromSelected = ({ traceparent, correlationId, ...rest }: SelectedRow): SagaState => ({ ...rest, trace: { traceparent, correlationId } });

export class SagaStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): SagaStore {
    return new SagaStore(tx);
  }

  /**
   * The new order's saga, owing `step`. With `claim`, the caller holds the step from the start
   * (for `leaseSeconds`, as if it had claimed it): no scheduler claims it meanwhile, and if the
   * caller's process dies the lease runs out and any scheduler takes it.
   */
  async begin(orderId: string, customerId: string, step: SagaStep, trace: TraceCarrier, claim?: { token: string; leaseSeconds: number }): Promise<void> {
    const claimed = claim ? { claimToken: claim.token, claimedUntil: sql`now() + make_interval(secs => ${claim.leaseSeconds})` } : {};
    await once(this.db.insert(sagas).values({ orderId, customerId, step, dueAt: sql`now()`, ...trace, ...claimed }));
  }

  async lock(orderId: string): Promise<SagaState | undefined> {
    const [row] = await once(this.db.select(columns).from(sagas).where(eq(sagas.orderId, orderId)).for('update'));
    return row ? fromSelected(row as SelectedRow) : undefined;
  }

  /** Locks several sagas in order id order (the same order for every caller, so two batches never deadlock). */
  async lockAll(orderIds: readonly string[]): Promise<Map<string, SagaState>> {
    if (orderIds.length === 0) return new Map();
    const rows = await once(this.db.select(columns).from(sagas).where(inArray(sagas.orderId, [...orderIds])).orderBy(sagas.orderId).for('update'));
    return new Map(rows.map((r) => [r.orderId, fromSelected(r as SelectedRow)]));
  }

  /**
   * Owes `step` from now on: due at once, attempts start over. A step being run right now keeps
   * its claim, so the new step waits until that runner is done (a charge and a refund of the same
   * order never run at the same time).
   */
  async owe(orderId: string, step: SagaStep, compensationReason: OrderReason | null, trace: TraceCarrier): Promise<void> {
    await once(
      this.db
        .update(sagas)
        .set({ step, compensationReason, attempts: 0, dueAt: sql`now()`, lastError: null, updatedAt: sql`now()`, ...trace })
        .where(eq(sagas.orderId, orderId)),
    );
  }

  /**
   * Claims the saga for the caller unless another runner holds it right now. Undefined when
   * someone else does. Called under the row's lock, right after `owe`, so the scheduler cannot
   * take the step from under the caller between the two.
   */
  async claimIfFree(orderId: string, token: string, leaseSeconds: number): Promise<SagaState | undefined> {
    const [row] = await query<RawRow>(
      this.db,
      sql`update ${sagas} set claim_token = ${token}::uuid, claimed_until = now() + make_interval(secs => ${leaseSeconds})
          where order_id = ${orderId} and (claimed_until is null or claimed_until < now())
          returning order_id, customer_id, step, compensation_reason, charged, attempts, claim_token, traceparent, correlation_id`,
    );
    return row ? fromRaw(row) : undefined;
  }

  async markChargedAll(orderIds: readonly string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await once(this.db.update(sagas).set({ charged: true, updatedAt: sql`now()` }).where(orderIds.length === 1 ? eq(sagas.orderId, orderIds[0]!) : inArray(sagas.orderId, [...orderIds])));
  }

  /** The owed step is done: nothing left to do for this order, and the claim is released. */
  async finish(orderId: string): Promise<void> {
    await this.finishAll([orderId]);
  }

  async finishAll(orderIds: readonly string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await once(
      this.db
        .update(sagas)
        .set({ step: null, compensationReason: null, attempts: 0, claimToken: null, claimedUntil: null, lastError: null, updatedAt: sql`now()` })
        .where(orderIds.length === 1 ? eq(sagas.orderId, orderIds[0]!) : inArray(sagas.orderId, [...orderIds])),
    );
  }

  /** Gives the claim back without touching the owed step (it may have changed while we ran). */
  async release(orderId: string, token: string): Promise<void> {
    await this.db.execute(
      sql`update ${sagas} set claim_token = null, claimed_until = null, updated_at = now() where order_id = ${orderId} and claim_token = ${token}`,
    );
  }

  /** A failed attempt: try again after `delayMs`, unless the owed step changed meanwhile. */
  async retryLater(orderId: string, token: string, step: SagaStep, delayMs: number, error: string): Promise<void> {
    await this.db.execute(
      sql`update ${sagas}
          set attempts = attempts + 1, due_at = now() + make_interval(secs => ${delayMs / 1000}), last_error = ${error.slice(0, 500)},
              claim_token = null, claimed_until = null, updated_at = now()
          where order_id = ${orderId} and claim_token = ${token} and step = ${step}`,
    );
    // The owed step changed while we ran (a cancellation owes a refund now): just give the claim back.
    await this.release(orderId, token);
  }

  /** Claims up to `limit` due steps for `leaseSeconds`; rows another runner holds are skipped. */
  async claimDue(token: string, limit: number, leaseSeconds: number): Promise<SagaState[]> {
    const rows = await query<RawRow>(
      this.db,
      sql`update ${sagas} set claim_token = ${token}, claimed_until = now() + make_interval(secs => ${leaseSeconds})
          where order_id in (
            select order_id from ${sagas}
            where step is not null and due_at <= now() and (claimed_until is null or claimed_until < now())
            order by due_at limit ${limit}
            for update skip locked)
          returning order_id, customer_id, step, compensation_reason, charged, attempts, claim_token, traceparent, correlation_id`,
    );
    return rows.map(fromRaw);
  }

  async waiting(): Promise<{ owed: number; retrying: number }> {
    const [row] = await query<{ owed: number | string; retrying: number | string }>(
      this.db,
      sql`select count(*) as owed, count(*) filter (where attempts > 0) as retrying from ${sagas} where step is not null`,
    );
    return { owed: Number(row?.owed ?? 0), retrying: Number(row?.retrying ?? 0) };
  }
}
