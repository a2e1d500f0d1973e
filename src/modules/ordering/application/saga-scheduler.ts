import { uuidv7 } from 'uuidv7';
import type { Logger } from '../../../shared/index.ts';
import type { SagaState, SagaStore } from '../db/saga-store.ts';
import type { Order } from '../domain/order.ts';
import type { SagaRunner } from './saga-runner.ts';

export interface SchedulerOptions {
  pollMs: number;
  batchSize: number;
  leaseSeconds: number;
}

/**
 * Runs the saga's owed steps. The steps live in the database, not in memory: the scheduler
 * claims due ones with a lease (skip-locked, so several processes share the work), runs them and
 * sleeps until the next poll or until someone wakes it (a new order, a ticket rejection). A step
 * whose process died is claimed again once its lease runs out, so the saga survives a restart.
 */
/** Groups of just-placed charges settled at the same time; more wait and go as the next group. */
const CHARGE_GROUPS_IN_FLIGHT = 2;

export class SagaScheduler {
  private active = false;
  private loop?: Promise<void>;
  private woken = false;
  private wakeUp?: () => void;
  private readonly inflight = new Set<Promise<void>>();
  private waitingCharges: { claimed: SagaState; order: Order }[] = [];
  private chargeGroups = 0;

  constructor(
    private readonly sagas: SagaStore,
    private readonly runner: SagaRunner,
    private readonly options: SchedulerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.loop = this.run();
  }

  get running(): boolean {
    return this.active;
  }

  async stop(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    this.wake();
    // Charges this process claimed at placement are run, not left to wait out their lease.
    this.sendCharges();
    await this.loop;
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Runs a charge this process claimed when the order was placed (see `OrderSaga.begin`). It goes
   * at once if fewer than CHARGE_GROUPS_IN_FLIGHT groups are being settled, else with the next
   * group: under load the groups grow, so the round trips per charge shrink while no charge waits
   * for more than the group ahead of it. The poll and the wake-ups never see these steps.
   */
  chargeNow(claimed: SagaState, order: Order): void {
    // Stopping: the claim's lease runs out and whichever scheduler runs then takes the charge.
    if (!this.active) return;
    this.waitingCharges.push({ claimed, order });
    if (this.chargeGroups < CHARGE_GROUPS_IN_FLIGHT) queueMicrotask(() => this.sendCharges());
  }

  private sendCharges(): void {
    if (this.waitingCharges.length === 0 || (this.active && this.chargeGroups >= CHARGE_GROUPS_IN_FLIGHT)) return;
    const group = this.waitingCharges;
    this.waitingCharges = [];
    this.chargeGroups++;
    void this.track(this.runner.chargeAll(group.map((g) => g.claimed), new Map(group.map((g) => [g.order.id, g.order]))))
      .catch((err: unknown) => this.logger.error({ err, orders: group.length }, 'could not settle charges claimed at placement; their leases will run out and the scheduler retries them'))
      .finally(() => {
      this.chargeGroups--;
      this.sendCharges();
    });
  }

  /** Asks for a look at due steps now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  get leaseSeconds(): number {
    return this.options.leaseSeconds;
  }

  /** Runs a step the caller claimed itself (see `SagaStore.claimIfFree`), tracked like the loop's own so `stop` waits for it. */
  async runClaimed(claimed: SagaState): Promise<void> {
    await this.track(this.runner.run(claimed));
  }

  private async run(): Promise<void> {
    while (this.active) {
      this.woken = false;
      try {
        const claimed = await this.sagas.claimDue(uuidv7(), this.options.batchSize, this.options.leaseSeconds);
        if (claimed.length > 0) {
          // Charges are settled together (one transaction for the batch); refunds one by one.
          const charges = claimed.filter((s) => s.step === 'charge');
          await Promise.all([
            this.track(this.runner.chargeAll(charges)),
            ...claimed.filter((s) => s.step !== 'charge').map((s) => this.track(this.runner.run(s))),
          ]);
          continue;
        }
      } catch (err) {
        if (!this.active) return;
        this.logger.error({ err }, 'could not claim saga steps; will try again');
      }
      await this.sleep();
    }
  }

  private track(p: Promise<void>): Promise<void> {
    this.inflight.add(p);
    return p.finally(() => this.inflight.delete(p));
  }

  private sleep(): Promise<void> {
    if (this.woken || !this.active) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs);
      this.wakeUp = done;
    });
  }
}
