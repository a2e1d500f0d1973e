import { describe, expect, it } from 'vitest';
import { apply, withdrawOutcome, type Ticket, type TicketAction, type TicketStatus } from '../domain/ticket.ts';

const ticket = (status: TicketStatus, reason: string | null = null): Ticket => ({
  id: '0194a000-0000-7000-8000-000000000001',
  orderId: '0194a000-0000-7000-8000-000000000002',
  status,
  items: [{ itemId: '0194a000-0000-7000-8000-000000000003', name: 'Flat white', quantity: 2 }],
  reason,
  openedAt: new Date(0).toISOString(),
});

const STATUSES: TicketStatus[] = ['QUEUED', 'PREPARING', 'READY', 'HANDED_OVER', 'REJECTED', 'WITHDRAWN'];

/** The barista's rules, written out: where each action may start, and where it leads. */
const ALLOWED: Record<TicketAction, { from: TicketStatus[]; to: TicketStatus; past: string }> = {
  start: { from: ['QUEUED'], to: 'PREPARING', past: 'started' },
  ready: { from: ['PREPARING'], to: 'READY', past: 'marked ready' },
  handover: { from: ['READY'], to: 'HANDED_OVER', past: 'handed over' },
  reject: { from: ['QUEUED', 'PREPARING'], to: 'REJECTED', past: 'rejected' },
  withdraw: { from: ['QUEUED'], to: 'WITHDRAWN', past: 'withdrawn' },
};

describe('Ticket rules, action by status', () => {
  for (const [action, rule] of Object.entries(ALLOWED) as [TicketAction, (typeof ALLOWED)[TicketAction]][]) {
    it(`${action}: only from ${rule.from.join(' or ')}, to ${rule.to}; otherwise a refusal that says why`, () => {
      for (const status of STATUSES) {
        const moved = apply(ticket(status), action, action === 'reject' ? 'no oat milk' : null);
        if (rule.from.includes(status)) {
          expect(moved, `${action} from ${status}`).toEqual({ ok: true, ticket: { ...ticket(status), status: rule.to, reason: action === 'reject' ? 'no oat milk' : null } });
        } else {
          expect(moved, `${action} from ${status}`).toEqual({ ok: false, refusal: `A ${status} ticket cannot be ${rule.past}` });
        }
      }
    });
  }

  it('cannot reject a ticket whose order is finished: handed over, already rejected or withdrawn', () => {
    for (const status of ['HANDED_OVER', 'REJECTED', 'WITHDRAWN'] as const) {
      expect(apply(ticket(status), 'reject', 'no milk')).toMatchObject({ ok: false });
    }
  });

  it('records a reason only when rejecting', () => {
    expect(apply(ticket('QUEUED'), 'start', 'stray text')).toMatchObject({ ok: true, ticket: { status: 'PREPARING', reason: null } });
    expect(apply(ticket('QUEUED'), 'withdraw', 'stray text')).toMatchObject({ ok: true, ticket: { status: 'WITHDRAWN', reason: null } });
    expect(apply(ticket('PREPARING'), 'reject')).toMatchObject({ ok: true, ticket: { status: 'REJECTED', reason: null } });
  });

  it('answers the saga "withdrawn" for every ticket that will never be made, "already_started" otherwise', () => {
    const expected: Record<TicketStatus, 'withdrawn' | 'already_started'> = {
      QUEUED: 'withdrawn',
      PREPARING: 'already_started',
      READY: 'already_started',
      HANDED_OVER: 'already_started',
      REJECTED: 'withdrawn',
      WITHDRAWN: 'withdrawn',
    };
    for (const status of STATUSES) expect(withdrawOutcome(status), status).toBe(expected[status]);
  });
});
