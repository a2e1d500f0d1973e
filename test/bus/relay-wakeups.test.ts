/**
 * How a relay learns of work. Rows this process commits are claimed by id at once; rows another
 * process commits arrive by NOTIFY (on Postgres) and set off a scan; this process's own NOTIFY
 * echo does not, since its ids are already on the way. The poll is set to a minute here, so
 * anything delivered within seconds came through a wake-up, not the poll.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { eventually } from '../../src/shared/testing/scenario.ts';
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

    it("this process's own NOTIFY echo claims its rows by id and scans for nothing else", async () => {
      // A row nobody announced: only a scan finds it.
      await foreignRow(820, false);
      await ping(app.http, { n: 821 });
      expect(await handled(821)).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await effects(app.http, 820)).toEqual([]);
      // A wake-up without ids scans, and finds it.
      app.kernel.bus.wake('probe');
      expect(await handled(820)).toHaveLength(2);
    });
  });
});
