import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { query } from '../../../shared/db/database.ts';
import type { TestApp } from '../../../../test/support/test-app.ts';
import { Wallet, type WalletEvent } from '../domain/wallet.ts';

export const newId = () => uuidv7();

export interface StoredEvent {
  version: number;
  type: WalletEvent['type'];
  amountCents: number;
  orderId: string | null;
}

/** The raw stream as stored, read straight from payments' own table. */
export async function storedStream(app: TestApp, customerId: string): Promise<StoredEvent[]> {
  return query<StoredEvent>(
    app.kernel.db.admin,
    sql`select version, type, amount_cents as "amountCents", order_id as "orderId" from payments.wallet_events where stream_id = ${customerId} order by version`,
  );
}

/** Folds the stored stream with the domain's own fold, independently of the API's answer. */
export function foldStored(stream: StoredEvent[]) {
  return Wallet.fold(
    stream.map((e): WalletEvent => {
      const at = new Date();
      if (e.type === 'deposited') return { type: e.type, amountCents: e.amountCents, at };
      if (e.type === 'voided') return { type: e.type, orderId: e.orderId!, at };
      return { type: e.type, amountCents: e.amountCents, orderId: e.orderId!, at };
    }),
  );
}

/** Rows in payments' outbox of one event type that mention the customer. */
export async function outboxCount(app: TestApp, type: string, customerId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    app.kernel.db.admin,
    sql`select count(*)::int as n from payments.outbox where type = ${type} and payload->>'customerId' = ${customerId}`,
  );
  return row?.n ?? 0;
}
