/**
 * What one persisted saga step costs next to one plain Postgres write, with postgres.js on a
 * database that has ordering's tables (its migrations applied). A saga step is what the charge
 * step writes on ordering's side, with the statements `SagaStore` sends: the owed step inserted
 * (as placement does, in its own transaction), claimed by a scheduler loop under a lease (up to
 * 200 due rows per claim), and finished in one transaction per claimed batch that locks the rows
 * and clears the step. The plain write is one autocommitted insert of a row of the same width.
 * Both at the same concurrency; rounds alternate. Prints one JSON line per round and kind.
 * Plan (JSON in argv[2]): { url, steps, rounds, concurrency }.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import { ROOT } from '../lib/server.ts';

interface Plan {
  url: string;
  steps: number;
  rounds: number;
  concurrency: number;
}

const plan = JSON.parse(process.argv[2]!) as Plan;
const sql = postgres(plan.url, { max: plan.concurrency + 1, onnotice: () => {} });

const folder = path.join(ROOT, 'migrations', 'ordering');
for (const file of readdirSync(folder).filter((f) => f.endsWith('.sql')).sort()) {
  for (const statement of readFileSync(path.join(folder, file), 'utf8').split('--> statement-breakpoint')) {
    if (statement.trim()) await sql.unsafe(statement);
  }
}
await sql`create table if not exists public.plain_writes (id uuid primary key, customer_id uuid not null, step text, due_at timestamptz not null)`;

async function lanes(n: number, work: () => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: plan.concurrency }, async () => {
      while (next++ < n) await work();
    }),
  );
}

async function plainWrites(n: number): Promise<void> {
  await lanes(n, async () => {
    await sql`insert into public.plain_writes (id, customer_id, step, due_at) values (${uuidv7()}, ${uuidv7()}, 'charge', now())`;
  });
}

async function sagaSteps(n: number): Promise<void> {
  let finished = 0;
  let owed = false;
  let wake: (() => void) | undefined;
  const placing = lanes(n, async () => {
    await sql.begin((tx) => [
      tx`insert into ordering.sagas (order_id, customer_id, step, due_at, traceparent, correlation_id) values (${uuidv7()}, ${uuidv7()}, 'charge', now(), null, ${uuidv7()})`,
    ]);
    // The placement's commit wakes the scheduler, as OrderSaga.placed does.
    owed = true;
    wake?.();
  });
  const scheduler = (async () => {
    while (finished < n) {
      owed = false;
      const claimed = await sql<{ order_id: string }[]>`
        update ordering.sagas set claim_token = ${uuidv7()}, claimed_until = now() + make_interval(secs => 30)
        where order_id in (
          select order_id from ordering.sagas
          where step is not null and due_at <= now() and (claimed_until is null or claimed_until < now())
          order by due_at limit 200
          for update skip locked)
        returning order_id, customer_id, step, compensation_reason, charged, attempts, claim_token, traceparent, correlation_id`;
      if (claimed.length === 0) {
        if (!owed) await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const ids = claimed.map((c) => c.order_id);
      await sql.begin((tx) => [
        tx`select order_id, step, charged, attempts from ordering.sagas where order_id in ${tx(ids)} order by order_id for update`,
        tx`update ordering.sagas set step = null, compensation_reason = null, attempts = 0, claim_token = null, claimed_until = null, last_error = null, updated_at = now() where order_id in ${tx(ids)}`,
      ]);
      finished += claimed.length;
    }
  })();
  await Promise.all([placing, scheduler]);
}

const kinds = [
  { kind: 'saga-step', run: sagaSteps },
  { kind: 'plain-write', run: plainWrites },
];
await sagaSteps(200);
await plainWrites(200);
for (let round = 0; round < plan.rounds; round++) {
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[(i + round) % kinds.length]!;
    const started = performance.now();
    await k.run(plan.steps);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(JSON.stringify({ kind: k.kind, round, steps: plan.steps, seconds, perSecond: plan.steps / seconds }) + '\n');
  }
}
await sql.end();
