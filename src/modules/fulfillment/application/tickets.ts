import { uuidv7 } from 'uuidv7';
import { carryTrace, continueTrace, type Publish, type Tx, type PayloadOf } from '../../../shared/index.ts';
import type { OrderPaid } from '../../ordering/index.ts';
import type { TicketStore } from '../db/ticket-store.ts';
import { apply, withdrawOutcome, type Ticket, type TicketAction, type TicketStatus } from '../domain/ticket.ts';
import { TicketHandedOver, TicketOpened, TicketReady, TicketRejected, TicketStarted, TicketWithdrawn } from '../index.ts';

type UnitOfWork = <T>(work: (tx: Tx, publish: Publish) => Promise<T>) => Promise<T>;
type BaristaAction = Exclude<TicketAction, 'withdraw'>;

/** Why a barista's step was not taken: data for the caller to map. */
export type ActRefusal = { reason: 'not_found' } | { reason: 'wrong_transition'; detail: string };
export type ActOutcome = { ok: true; ticket: Ticket } | { ok: false; refusal: ActRefusal };

/** fulfillment's use cases: the barista's queue, fed by paid orders. */
export class Tickets {
  constructor(
    private readonly store: TicketStore,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  list(status?: TicketStatus): Promise<Ticket[]> {
    return this.store.list(status);
  }

  /**
   * A paid order becomes a QUEUED ticket, inside the handler's transaction. A redelivered
   * `order-paid`, or one arriving after the customer withdrew, finds the order's row taken and
   * opens nothing.
   */
  async open(tx: Tx, publish: Publish, paid: PayloadOf<typeof OrderPaid>): Promise<Ticket | undefined> {
    const items = paid.items.map((l) => ({ itemId: l.itemId, name: l.name, quantity: l.quantity }));
    const ticket = await this.store.with(tx).open(uuidv7(), paid.orderId, items, carryTrace());
    if (ticket) await publish(TicketOpened, { ticketId: ticket.id, orderId: ticket.orderId });
    return ticket;
  }

  /** start, ready, handover or reject: one conditional UPDATE and its event, in one transaction. */
  act(id: string, action: BaristaAction, reason: string | null = null): Promise<ActOutcome> {
    return this.unitOfWork(async (tx, publish): Promise<ActOutcome> => {
      const store = this.store.with(tx);
      const moved = await store.move({ id }, action, reason);
      if (!moved) {
        const current = await store.byId(id);
        if (!current || current.openedAt === null) return { ok: false, refusal: { reason: 'not_found' } };
        const refused = apply(current, action, reason);
        return { ok: false, refusal: { reason: 'wrong_transition', detail: refused.ok ? 'The ticket changed meanwhile; read it again' : refused.refusal } };
      }
      const { ticket, trace } = moved;
      const ids = { ticketId: ticket.id, orderId: ticket.orderId };
      // The step's event belongs to the order's story: it continues the order's trace, linked to the barista's request.
      await continueTrace(trace, `fulfillment ticket ${action}`, async () => {
        if (action === 'start') await publish(TicketStarted, ids);
        if (action === 'ready') await publish(TicketReady, ids);
        if (action === 'handover') await publish(TicketHandedOver, ids);
        if (action === 'reject') await publish(TicketRejected, { ...ids, reason: reason ?? 'unspecified' });
      });
      return { ok: true, ticket };
    });
  }

  /**
   * The customer cancels: a QUEUED ticket is withdrawn; a ticket not opened yet gets a tombstone
   * so the `order-paid` still on its way opens nothing; a started one answers `already_started`.
   */
  withdraw(orderId: string): Promise<{ outcome: 'withdrawn' | 'already_started' }> {
    return this.unitOfWork(async (tx, publish) => {
      const store = this.store.with(tx);
      if (await store.tombstone(uuidv7(), orderId)) return { outcome: 'withdrawn' as const };
      const moved = await store.move({ orderId }, 'withdraw');
      if (moved) {
        await publish(TicketWithdrawn, { ticketId: moved.ticket.id, orderId });
        return { outcome: 'withdrawn' as const };
      }
      const current = await store.byOrder(orderId, true);
      return { outcome: withdrawOutcome(current!.status as TicketStatus) };
    });
  }
}
