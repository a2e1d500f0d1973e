import type { Tx } from '../../../shared/index.ts';
import type { OrderLineView, ViewsStore } from '../db/views-store.ts';
import { statusRank } from '../domain/views.ts';

export interface OrderHistoryEntry {
  id: string;
  status: string;
  reason: string | null;
  totalCents: number;
  items: OrderLineView[];
  placedAt: string;
  updatedAt: string;
}

/** A customer's orders as the shop page lists them, fed by ordering's placement and status events. */
export class OrderHistoryView {
  constructor(private readonly store: ViewsStore) {}

  placed(tx: Tx, o: { orderId: string; customerId: string; totalCents: number; items: OrderLineView[]; placedAt: string }): Promise<void> {
    return this.store.with(tx).orderPlaced(o);
  }

  statusChanged(tx: Tx, s: { orderId: string; customerId: string; status: string; reason: string | null; at: string }): Promise<void> {
    return this.store.with(tx).statusChanged({ ...s, rank: statusRank(s.status) });
  }

  async of(customerId: string): Promise<OrderHistoryEntry[]> {
    const rows = await this.store.ordersOf(customerId);
    return rows.map((r) => ({
      id: r.orderId,
      status: r.status,
      reason: r.reason,
      totalCents: r.totalCents,
      items: r.items,
      placedAt: r.placedAt,
      updatedAt: r.statusAt > r.placedAt ? r.statusAt : r.placedAt,
    }));
  }
}
