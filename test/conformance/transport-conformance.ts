/**
 * What every event transport must do, proven against the probe fixture module through the
 * whole stack (HTTP -> unit of work -> outbox -> relay -> transport -> inbox -> handler).
 * One `*.test.ts` per transport calls `describeTransportConformance` with its settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/shared/config.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { createProbeModule, PROBE_SUBSCRIPTIONS, type ProbeControl } from '../fixtures/probe/module.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { bootProbeApp, duplicates, durableDatabase, effects, ping, probeEnvelope, settled } from './harness.ts';
import { moduleNamed } from '../support/modules.ts';

const identityModule = moduleNamed('identity');

const MAX_ATTEMPTS = 4;
const BACKOFF_MS = 100;

export function describeTransportConformance(name: string, configOverrides: Partial<Config>): void {
  /** Apps that must not share queues get their own Redis namespace. */
  const forApp = (label: string, extra: Partial<Config> = {}): Partial<Config> => ({
    BUS_MAX_ATTEMPTS: MAX_ATTEMPTS,
    BUS_BACKOFF_MS: BACKOFF_MS,
    ...configOverrides,
    ...(configOverrides.BULLMQ_PREFIX ? { BULLMQ_PREFIX: `${configOverrides.BULLMQ_PREFIX}-${label}` } : {}),
    ...extra,
  });

  describe(`transport conformance: ${name}`, () => {
    let app: TestApp;
    let control: ProbeControl;

    beforeAll(async () => {
      const probe = createProbeModule(`${name}-main`);
      control = probe.control;
      app = await startTestApp({ modules: [identityModule, probe.module], config: forApp('main'), undocumented: ['/api/probe'] });
      expect(app.kernel.bus.transport.name).toBe(configOverrides.EVENT_TRANSPORT ?? 'inprocess');
    });
    afterAll(async () => {
      await app?.stop();
    });

    it('delivers every published event at least once, to every subscription (fan-out)', async () => {
      const ids = await ping(app.http, { n: 1000, count: 25 });
      const rows = await eventually(
        async () => (await effects(app.http)).filter((r) => ids.includes(r.eventId)),
        (r) => r.length >= ids.length * PROBE_SUBSCRIPTIONS.length,
        { within: 10_000 },
      );
      await settled(app.kernel);
      const final = (await effects(app.http)).filter((r) => ids.includes(r.eventId));
      expect(duplicates(final)).toEqual([]);
      for (const sub of PROBE_SUBSCRIPTIONS) {
        expect(new Set(final.filter((r) => r.subscription === sub).map((r) => r.eventId))).toEqual(new Set(ids));
      }
      expect(rows.length).toBe(ids.length * PROBE_SUBSCRIPTIONS.length);
    });

    it('retries a failing handler with exponentially growing delays', async () => {
      const [id] = await ping(app.http, { n: 2000, failTimes: 3 });
      await eventually(() => effects(app.http, 2000), (r) => r.length === PROBE_SUBSCRIPTIONS.length, { within: 10_000 });
      for (const sub of PROBE_SUBSCRIPTIONS) {
        const attempts = control.attempts.filter((a) => a.eventId === id && a.subscription === sub);
        expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
        const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
        // Backoff doubles from BACKOFF_MS (the in-process transport jitters within the upper
        // half). A loaded machine only adds delay, so the floors are what the test can rely on:
        // each wait is at least half its doubling ceiling, i.e. 50, 100, 200 ms.
        gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((BACKOFF_MS * 2 ** i) / 2 - 5));
      }
      const rows = await effects(app.http, 2000);
      expect(duplicates(rows)).toEqual([]);
    });

    it('dead-letters a poison event after its retries without holding back others; replay after a fix delivers once', async () => {
      control.poisonFixed = false;
      const [poisonId] = await ping(app.http, { n: 3000, poison: true });
      const healthy = await ping(app.http, { n: 3001, count: 5 });
      // The healthy events are not stuck behind the poison one.
      await eventually(async () => (await effects(app.http)).filter((r) => healthy.includes(r.eventId)), (r) => r.length === 10, { within: 5000 });

      const dead = await eventually(
        async () => (await app.kernel.bus.deadLetters()).filter((d) => d.eventId === poisonId),
        (d) => d.length === PROBE_SUBSCRIPTIONS.length,
        { within: 10_000 },
      );
      for (const d of dead) {
        expect(d).toMatchObject({ module: 'probe', type: 'probe.pinged', attempts: MAX_ATTEMPTS, lastError: expect.stringContaining('poison ping 3000') });
        expect(d.envelope.id).toBe(poisonId);
      }
      for (const sub of PROBE_SUBSCRIPTIONS) {
        expect(control.attempts.filter((a) => a.eventId === poisonId && a.subscription === sub)).toHaveLength(MAX_ATTEMPTS);
      }

      const admin = await app.adminToken();
      const listed = await app.http.get('/api/admin/dead-letters', admin);
      expect(listed.status).toBe(200);
      expect(listed.body.filter((d: { eventId: string }) => d.eventId === poisonId).map((d: { subscription: string }) => d.subscription).sort()).toEqual([
        ...PROBE_SUBSCRIPTIONS,
      ]);
      const customer = await app.signUp('customer');
      expect((await app.http.get('/api/admin/dead-letters', customer.token)).status).toBe(403);
      expect((await app.http.post(`/api/admin/dead-letters/${poisonId}/probe.record-a/replay`, undefined, customer.token)).status).toBe(403);
      expect(await effects(app.http, 3000)).toEqual([]);

      // The fix ships; replay each subscription's dead letter.
      expect((await app.http.post('/api/probe/fix')).status).toBe(200);
      for (const sub of PROBE_SUBSCRIPTIONS) {
        const res = await app.http.post(`/api/admin/dead-letters/${poisonId}/${sub}/replay`, undefined, admin);
        expect(res.status).toBe(202);
      }
      await eventually(() => effects(app.http, 3000), (r) => r.length === PROBE_SUBSCRIPTIONS.length, { within: 5000 });
      await settled(app.kernel);
      expect(duplicates(await effects(app.http, 3000))).toEqual([]);
      expect((await app.kernel.bus.deadLetters()).filter((d) => d.eventId === poisonId)).toEqual([]);
      // Delivered once: one more attempt per subscription, and nothing left to replay.
      for (const sub of PROBE_SUBSCRIPTIONS) {
        expect(control.attempts.filter((a) => a.eventId === poisonId && a.subscription === sub)).toHaveLength(MAX_ATTEMPTS + 1);
        expect((await app.http.post(`/api/admin/dead-letters/${poisonId}/${sub}/replay`, undefined, admin)).status).toBe(404);
      }
      control.poisonFixed = false;
    });

    it('events published together and failing together each retry on their own, attempts counted from the first, then dead-letter', async () => {
      // One unit of work, so the relay claims them together and the transport batches their first attempts.
      const flaky = await ping(app.http, { n: 3500, count: 4, failTimes: 2 });
      control.poisonFixed = false;
      const poison = await ping(app.http, { n: 3600, count: 3, poison: true });
      await eventually(() => effects(app.http), (r) => r.filter((e) => flaky.includes(e.eventId)).length === flaky.length * PROBE_SUBSCRIPTIONS.length, { within: 10_000 });
      const dead = await eventually(
        async () => (await app.kernel.bus.deadLetters()).filter((d) => poison.includes(d.eventId)),
        (d) => d.length === poison.length * PROBE_SUBSCRIPTIONS.length,
        { within: 10_000 },
      );
      await settled(app.kernel);
      for (const sub of PROBE_SUBSCRIPTIONS) {
        for (const id of flaky) expect(control.attempts.filter((a) => a.eventId === id && a.subscription === sub).map((a) => a.attempt)).toEqual([1, 2, 3]);
        for (const id of poison) expect(control.attempts.filter((a) => a.eventId === id && a.subscription === sub).map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
      }
      for (const d of dead) expect(d.attempts).toBe(MAX_ATTEMPTS);
      expect(duplicates((await effects(app.http)).filter((e) => flaky.includes(e.eventId)))).toEqual([]);
      expect((await effects(app.http)).filter((e) => poison.includes(e.eventId))).toEqual([]);
      // Leave no dead letters behind for the tests that count them.
      expect((await app.http.post('/api/probe/fix')).status).toBe(200);
      const admin = await app.adminToken();
      for (const d of dead) expect((await app.http.post(`/api/admin/dead-letters/${d.eventId}/${d.subscription}/replay`, undefined, admin)).status).toBe(202);
      await eventually(() => effects(app.http), (r) => r.filter((e) => poison.includes(e.eventId)).length === poison.length * PROBE_SUBSCRIPTIONS.length, { within: 5000 });
      await settled(app.kernel);
      control.poisonFixed = false;
    });

    it('deduplicates by event id: the same envelope dispatched again, or delivered again, has no second effect', async () => {
      const [id] = await ping(app.http, { n: 4000 });
      await eventually(() => effects(app.http, 4000), (r) => r.length === PROBE_SUBSCRIPTIONS.length, { within: 5000 });
      await settled(app.kernel);
      const envelope = await probeEnvelope(app.kernel, id!);
      const attemptsBefore = control.attempts.filter((a) => a.eventId === id).length;

      await app.kernel.bus.transport.dispatch(envelope);
      await app.kernel.bus.transport.dispatch(envelope);
      await settled(app.kernel);
      for (const sub of PROBE_SUBSCRIPTIONS) {
        expect(await app.kernel.bus.deliver(sub, envelope, 1, false)).toEqual({ outcome: 'duplicate' });
      }
      expect(await effects(app.http, 4000)).toHaveLength(PROBE_SUBSCRIPTIONS.length);
      // The handler never ran again: the inbox answered before it (or the queue collapsed the job).
      expect(control.attempts.filter((a) => a.eventId === id)).toHaveLength(attemptsBefore);
    });

    it('never delivers an event whose publishing transaction rolled back', async () => {
      const published: string[] = [];
      const off = app.kernel.bus.observe((o) => {
        if (o.kind === 'published' && (o.envelope.payload as { n: number }).n === 5000) published.push(o.envelope.id);
      });
      try {
        const res = await app.http.post('/api/probe/pings', { n: 5000, count: 3, rollback: true });
        expect(res.status).toBe(409);
        // A later event goes through the same relay and transport: once it is handled, the
        // rolled-back ones had every chance to appear.
        await ping(app.http, { n: 5001 });
        await eventually(() => effects(app.http, 5001), (r) => r.length === PROBE_SUBSCRIPTIONS.length, { within: 5000 });
        await settled(app.kernel);
        expect(await effects(app.http, 5000)).toEqual([]);
        expect(published).toEqual([]);
        expect((await app.kernel.bus.history(['probe.pinged'])).filter((e) => (e.payload as { n: number }).n === 5000)).toEqual([]);
      } finally {
        off();
      }
    });

    it('shuts down gracefully: running handlers finish, nothing taken is dropped, a restart delivers the rest once', async () => {
      const db = await durableDatabase();
      // Few deliveries in flight (in-process: one batch of two per subscription) so some are still
      // queued when the first process stops.
      const config = forApp('restart', { ...db.config, BUS_CONCURRENCY: 2, BUS_BATCH_SIZE: 2 });
      try {
        const first = await bootProbeApp(config, `${name}-first`);
        let ids: string[];
        try {
          ids = await ping(first.http, { n: 6000, count: 6, slowMs: 400 });
          await eventually(async () => first.control.running, (r) => r > 0, { within: 5000 });
        } finally {
          await first.stop();
        }
        // Every handler that started ran to its end: none was cut off mid-way.
        expect(first.control.running).toBe(0);
        const startedInFirst = new Set(first.control.attempts.map((a) => `${a.eventId}/${a.subscription}`));
        expect(startedInFirst.size).toBeGreaterThan(0);

        const second = await bootProbeApp(config, `${name}-second`);
        try {
          const rows = await eventually(
            async () => (await effects(second.http)).filter((r) => ids.includes(r.eventId)),
            (r) => r.length >= ids.length * PROBE_SUBSCRIPTIONS.length,
            { within: 15_000 },
          );
          await settled(second.kernel);
          const final = (await effects(second.http)).filter((r) => ids.includes(r.eventId));
          expect(duplicates(final)).toEqual([]);
          expect(final).toHaveLength(rows.length);
          expect(final).toHaveLength(ids.length * PROBE_SUBSCRIPTIONS.length);
          // What the first process started, it also finished; the second one did the rest.
          for (const r of final) {
            if (startedInFirst.has(`${r.eventId}/${r.subscription}`)) expect(r.handledBy).toBe(`${name}-first`);
          }
          expect(final.some((r) => r.handledBy === `${name}-second`)).toBe(true);
        } finally {
          await second.stop();
        }
      } finally {
        await db.drop();
      }
    }, 120_000);

    describe.skipIf(!process.env['DATABASE_URL'])('several relays on one Postgres database (needs DATABASE_URL)', () => {
      it('never dispatches one outbox row twice, and both relays take part', async () => {
        const db = await durableDatabase();
        // Small batches so both relays keep claiming while the other one is busy.
        const config = forApp('relays', { ...db.config, OUTBOX_BATCH_SIZE: 5 });
        const a = await bootProbeApp(config, `${name}-relay-a`);
        const b = await bootProbeApp(config, `${name}-relay-b`);
        const dispatchedBy = new Map<string, string[]>();
        const track = (label: string) => (o: { kind: string; envelope?: { id: string } }) => {
          if (o.kind === 'published') dispatchedBy.set(o.envelope!.id, [...(dispatchedBy.get(o.envelope!.id) ?? []), label]);
        };
        const offs = [a.kernel.bus.observe(track('a')), b.kernel.bus.observe(track('b'))];
        try {
          const published = await Promise.all([
            ...Array.from({ length: 10 }, (_, i) => ping(a.http, { n: 7000 + i * 10, count: 10 })),
            ...Array.from({ length: 10 }, (_, i) => ping(b.http, { n: 8000 + i * 10, count: 10 })),
          ]);
          const ids = published.flat();
          await eventually(async () => ids.filter((id) => dispatchedBy.has(id)).length, (n) => n === ids.length, { within: 15_000 });
          await eventually(
            async () => (await effects(a.http)).filter((r) => ids.includes(r.eventId)).length,
            (n) => n >= ids.length * PROBE_SUBSCRIPTIONS.length,
            { within: 15_000 },
          );
          await Promise.all([settled(a.kernel), settled(b.kernel)]);

          const twice = [...dispatchedBy].filter(([, by]) => by.length > 1);
          expect(twice).toEqual([]);
          const byRelay = { a: 0, b: 0 };
          for (const [, by] of dispatchedBy) byRelay[by[0] as 'a' | 'b']++;
          expect(byRelay.a).toBeGreaterThan(0);
          expect(byRelay.b).toBeGreaterThan(0);
          expect(duplicates((await effects(a.http)).filter((r) => ids.includes(r.eventId)))).toEqual([]);
        } finally {
          offs.forEach((off) => off());
          await Promise.allSettled([a.stop(), b.stop()]);
          await db.drop();
        }
      }, 120_000);
    });
  });
}
