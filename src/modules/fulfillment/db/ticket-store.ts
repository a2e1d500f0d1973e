import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Executor, TraceCarrier } from '../../../shared/index.ts';
import { MOVES, type Ticket, type TicketAction, type TicketLine, type TicketStatus } from '../domain/ticket.ts';
import { tickets } from './schema.ts';

const columns = {
  id: tickets.id,
  orderId: tickets.orderId,
  status: tickets.status,
  items: tickets.items,
  reason: tickets.reason,
  openedAt: tickets.openedAt,
};

type Row = { [K in keyof typeof columns]: unknown };
const toTicket = (r: Row): Ticket => ({
  ...(r as Omit<Ticket, 'openedAt'>),
  openedAt: r.openedAt === null ? null : new Date(r.openedAt as string).toISOString(),
});

export class TicketStore {
  constructor(private readonly db: Executor) {}

  with(tx: Executor): TicketStore {
    return new TicketStore(tx);
  }

  async byId(id: string): Promise<Ticket | undefined> {
    const [row] = await this.db.select(columns).from(tickets).where(eq(tickets.id, id));
    return row ? toTicket(row) : undefined;
  }

  async byOrder(orderId: string, lock = false): Promise<Ticket | undefined> {
    const q = this.db.select(columns).from(tickets).where(eq(tickets.orderId, orderId));
    const [row] = lock ? await q.for('update') : await q;
    return row ? toTicket(row) : undefined;
  }

  /** Opened tickets, oldest first: the barista's queue. Tombstones are not tickets anyone sees. */
  async list(status?: TicketStatus): Promise<Ticket[]> {
    const rows = await this.db
      .select(columns)
      .from(tickets)
      .where(and(isNotNull(tickets.openedAt), status ? eq(tickets.status, status) : undefined))
      .orderBy(asc(tickets.openedAt), asc(tickets.id))
      .limit(500);
    return rows.map(toTicket);
  }

  /** Opens the order's ticket unless the order already has one (or a withdrawal tombstone). */
  async open(id: string, orderId: string, items: TicketLine[], trace: TraceCarrier): Promise<Ticket | undefined> {
    const [row] = await this.db
      .insert(tickets)
      .values({ id, orderId, status: 'QUEUED', items, openedAt: sql`now()`, ...trace })
      .onConflictDoNothing({ target: tickets.orderId })
      .returning(columns);
    return row ? toTicket(row) : undefined;
  }

  /** Records that the order's ticket must never be made; false when the order already has a row. */
  async tombstone(id: string, orderId: string): Promise<boolean> {
    const rows = await this.db
      .insert(tickets)
      .values({ id, orderId, status: 'WITHDRAWN', items: [] })
      .onConflictDoNothing({ target: tickets.orderId })
      .returning({ id: tickets.id });
    return rows.length > 0;
  }

  /**
   * The atomic move: the status changes only if it still is one the action may start from, so
   * of two concurrent presses exactly one wins. Undefined when the ticket was not in such a status.
   */
  async move(where: { id: string } | { orderId: string }, action: TicketAction, reason: string | null = null): Promise<{ ticket: Ticket; trace: TraceCarrier } | undefined> {
    const { from, to } = MOVES[action];
    const [row] = await this.db
      .update(tickets)
      .set({ status: to, ...(action === 'reject' ? { reason } : {}), updatedAt: sql`now()` })
      .where(and('id' in where ? eq(tickets.id, where.id) : eq(tickets.orderId, where.orderId), inArray(tickets.status, [...from])))
      .returning({ ...columns, traceparent: tickets.traceparent, correlationId: tickets.correlationId });
    if (!row) return undefined;
    const { traceparent, correlationId, ...ticket } = row;
    return { ticket: toTicket(ticket), trace: { traceparent, correlationId } };
  }
}
