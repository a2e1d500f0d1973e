import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchContext, Scenario } from '../lib/context.ts';
import { interleaved, type Target } from '../lib/measure.ts';
import type { Row } from '../lib/report.ts';
import { removeDir, startBaseline, startProject, tempDir, type RunningServer } from '../lib/server.ts';

const CONNECTIONS = 64;

/**
 * Read throughput of public GET endpoints on the embedded default, against a bare Hono app on
 * the same adapter and raw node:http, both answering the same bytes from memory.
 */
export const readScenario: Scenario = {
  name: 'read',
  async run(ctx: BenchContext): Promise<Row[]> {
    const paths = ['/api/catalog/items'];
    const rows: Row[] = [];
    if (ctx.modules.has('storefront')) paths.unshift('/api/storefront/menu');
    else rows.push({ scenario: 'read', name: 'GET /api/storefront/menu', unit: '', skipped: 'skipped: module storefront not present' });

    const ref = ctx.against;
    const dirs = [tempDir('cafe-bench-read'), tempDir('cafe-bench-read-info'), tempDir('cafe-bench-read-ref'), tempDir('cafe-bench-read-ref-info')];
    const servers: RunningServer[] = [];
    try {
      // warn: only the gateway's work; info (the default): plus one JSON log line per request.
      const project = await startProject({ env: { DATA_DIR: dirs[0]!, LOG_LEVEL: 'warn' } });
      servers.push(project);
      const projectInfo = await startProject({ env: { DATA_DIR: dirs[1]!, LOG_LEVEL: 'info' }, name: 'project-info' });
      servers.push(projectInfo);
      // --against: the same two servers built from an earlier commit, loaded in the same rounds.
      const earlier = ref
        ? [
            await startProject({ env: { DATA_DIR: dirs[2]!, LOG_LEVEL: 'warn' }, name: `project-${ref.commit}`, build: ref }),
            await startProject({ env: { DATA_DIR: dirs[3]!, LOG_LEVEL: 'info' }, name: `project-${ref.commit}-info`, build: ref }),
          ]
        : [];
      servers.push(...earlier);

      for (const p of paths) {
        const res = await fetch(project.url + p);
        const body = Buffer.from(await res.arrayBuffer());
        if (res.status !== 200) throw new Error(`GET ${p} answered ${res.status}: ${body.toString().slice(0, 200)}`);
        const bodyFile = path.join(dirs[0]!, `body-${paths.indexOf(p)}.json`);
        writeFileSync(bodyFile, body);
        const contentType = res.headers.get('content-type') ?? 'application/json';
        const hono = await startBaseline('bare-hono', bodyFile, contentType);
        const raw = await startBaseline('raw-http', bodyFile, contentType);
        servers.push(hono, raw);
        ctx.log(`  GET ${p}: ${body.length} bytes`);

        const targets: Target[] = [
          { name: `GET ${p} (LOG_LEVEL=warn)`, plan: { url: project.url + p }, pid: project.pid },
          { name: `GET ${p} (LOG_LEVEL=info)`, plan: { url: projectInfo.url + p }, pid: projectInfo.pid },
          { name: `bare Hono, same ${body.length} bytes`, plan: { url: hono.url + p }, pid: hono.pid },
          { name: `raw node:http, same ${body.length} bytes`, plan: { url: raw.url + p }, pid: raw.pid },
        ];
        const [warnT, infoT, bareT, rawT] = targets as [Target, Target, Target, Target];
        const atRef = earlier.map((e, i): Target => ({ name: `GET ${p} at ${ref!.commit} (LOG_LEVEL=${i === 0 ? 'warn' : 'info'})`, plan: { url: e.url + p }, pid: e.pid }));
        targets.push(...atRef);
        rows.push(
          ...(await interleaved(ctx, 'read', targets, CONNECTIONS, (t) =>
            t === warnT || t === infoT ? { baseline: bareT.name, target: '>= 0.8 x bare Hono' }
            : t === bareT ? { baseline: rawT.name }
            : t === atRef[0] ? { baseline: warnT.name }
            : t === atRef[1] ? { baseline: infoT.name }
            : {},
          )),
        );
        await Promise.all([hono.stop(), raw.stop()]);
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      dirs.forEach(removeDir);
    }
    return rows;
  },
};
