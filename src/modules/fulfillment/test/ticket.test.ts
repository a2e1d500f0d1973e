import { describe, expect, it } from 'vitest';
import { apply, withdrawOutcome, type Ticket, type TicketStatus } from '../domain/ticket.ts';

const ticket = (status: TicketStatus): Ticket => ({
  id: '0194a000-0000-7000-8000-000000000001',
  orderId: '0194a000-0000-7000-8000-000000000002',
  status,
  items: [{ itemId: '0194a000-0000-7000-8000-000000000003', name: 'Latte', quantity: 1 }],
  reason: null,
  openedAt: new Date(0).toISOString(),
});

describe('Ticket', () => {
  it('follows the barista: QUEUED → PREPARING → READY → HANDED_OVER', () => {
    let t = ticket('QUEUED');
    for (const [action, to] of [['start', 'PREPARING'], ['ready', 'READY'], ['handover', 'HANDED_OVER']] as const) {
      const moved = apply(t, action);
      expect(moved).toMatchObject({ ok: true, ticket: { status: to } });
      if (moved.ok) t = moved.ticket;
    }
  });

  it('refuses wrong transitions', () => {
    expect(apply(ticket('QUEUED'), 'ready').ok).toBe(false);
    expect(apply(ticket('PREPARING'), 'start').ok).toBe(false);
    expect(apply(ticket('READY'), 'reject').ok).toBe(false);
    expect(apply(ticket('HANDED_OVER'), 'handover').ok).toBe(false);
    expect(apply(ticket('WITHDRAWN'), 'start').ok).toBe(false);
    expect(apply(ticket('REJECTED'), 'start').ok).toBe(false);
  });

  it('may be rejected before or during preparation, with a reason', () => {
    expect(apply(ticket('QUEUED'), 'reject', 'no milk')).toMatchObject({ ok: true, ticket: { status: 'REJECTED', reason: 'no milk' } });
    expect(apply(ticket('PREPARING'), 'reject', 'no milk')).toMatchObject({ ok: true, ticket: { status: 'REJECTED' } });
  });

  it('may be withdrawn only before preparation', () => {
    expect(withdrawOutcome('QUEUED')).toBe('withdrawn');
    expect(withdrawOutcome('WITHDRAWN')).toBe('withdrawn');
    for (const s of ['PREPARING', 'READY', 'HANDED_OVER'] as const) expect(withdrawOutcome(s)).toBe('already_started');
  });
});
