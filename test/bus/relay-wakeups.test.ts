/**
 * How a relay learns of work. Rows this process writes are claimed for its relay as they are
 * written and handed over once they commit; rows another process commits arrive by NOTIFY (on
 * Postgres) and set off a scan; this process's own NOTIFY echo does not, since its events are
 * already on the way. The poll is set to a minute here, so anything delivered within seconds
 * came through a wake-up, not the poll.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { Envelope } from '../../src/shared/bus/contract.ts';
import { Outbox } from '../../src/shared/bus/outbox.ts';
import { Registry } from '../../src/shared/bus/registry.ts';
import { query } from '../../src/shared/db/database.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { Pinged } from '../fixtures/probe/module.ts';
import * as probeTables from '../fixtures/probe/schema.ts';
import { bootProbeApp, durableDatabase, effects, ping, type ProbeApp } from '../conformance/harness.ts';

const url = process.env['DATABASE_URL'];

describe('relay wake-ups', () => {
  let app: ProbeApp;
  let db: Awaited<ReturnType<typeof durableDatabase>>;
  beforeAll(async () => {
    db = await durableDatabase();
    app = await bootProbeApp({ ...db.config, OUTBOX_POLL_MS: 60_000 }, 'wakeups');
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const handled = (n: number) => eventually(() => effects(app.http, n), (rows) => rows.length === 2, { within: 5_000 });

  it('a commit in this process is relayed without waiting for the poll', async () => {
    await ping(app.http, { n: 800 });
    expect(await handled(800)).toHaveLength(2);
  });

  describe.skipIf(!url)('on Postgres', () => {
    let sql: postgres.Sql;
    beforeAll(() => {
      sql = postgres(db.config.DATABASE_URL!, { max: 1, onnotice: () => {} });
    });
    afterAll(() => sql?.end());

    /** An outbox row as another process's writer leaves it, with or without that writer's NOTIFY. */
    const foreignRow = async (n: number, notify: boolean) =>
      sql.begin(async (tx) => {
        await tx`insert into probe.outbox (id, type, version, occurred_at, source, correlation_id, payload)
                 values (${uuidv7()}, 'probe.pinged', 1, now(), 'probe', ${uuidv7()}, ${tx.json({ n })})`;
        if (notify) await tx`select pg_notify('cafe_outbox', 'probe')`;
      });

    it("another process's commit arrives by NOTIFY and is relayed", async () => {
      await foreignRow(810, true);
      expect(await handled(810)).toHaveLength(2);
    });

    it("this process's own NOTIFY echo sets off no scan: its events go straight to the relay", async () => {
      // A row nobody announced: only a scan finds it.
      await foreignRow(820, false);
      await ping(app.http, { n: 821 });
      expect(await handled(821)).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await effects(app.http, 820)).toEqual([]);
      // A wake-up without events scans, and finds it.
      app.kernel.bus.wake('probe');
      expect(await handled(820)).toHaveLength(2);
    });
  });

  it('an outbox writes its rows claimed for a running relay and hands it the committed events; without one they stay free for any scan', async () => {
    const registry = new Registry();
    registry.registerModule('probe', app.kernel.db.forModule('probe'), probeTables, [Pinged]);
    const told: Envelope[][] = [];
    let running = true;
    const outbox = new Outbox(registry, { notifies: false, origin: 'test', leaseSeconds: 45 }, {
      isRunning: () => running,
      wake: (_m, committed) => void told.push([...(committed ?? [])]),
    });
    const leaseOf = async (id: string) => {
      const [row] = await query<{ lease: number | null }>(
        app.kernel.db.forModule('probe'),
        sql`select round(extract(epoch from claimed_until - now())) as lease from probe.outbox where id = ${id}`,
      );
      return row?.lease === null ? null : Number(row!.lease);
    };
    const claimed = await outbox.unitOfWork('probe', (_tx, publish) => publish(Pinged, { n: 840 }));
    expect(told).toEqual([[claimed]]);
    expect(await leaseOf(claimed.id)).toBeGreaterThan(40);

    running = false;
    const free = await outbox.unitOfWork('probe', (_tx, publish) => publish(Pinged, { n: 841 }));
    expect(told[1]).toEqual([]);
    expect(await leaseOf(free.id)).toBeNull();
  });
});
