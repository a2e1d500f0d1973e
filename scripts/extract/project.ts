/**
 * Writes the extracted service's project: the planned files copied from the monolith, the
 * generated composition root and contract test, its package.json (exact pins from the monolith's
 * lockfile), tsconfig, drizzle config, Dockerfile, Kubernetes manifests and README.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kernelSettings } from '../../src/shared/config.ts';
import { serviceUrlsVariable } from '../../src/shared/topology.ts';
import { settingsTable } from '../settings-table.ts';
import { clusterUrls, DOCKERIGNORE, dockerfile, kubernetesManifests } from './deploy.ts';
import type { ExtractionPlan } from './plan.ts';

/** Folder of the module's files that only run inside the monolith. */
export const STAYED = 'monolith-only';

export function writeProject(root: string, out: string, plan: ExtractionPlan, generated: Map<string, string>): string[] {
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`${out} is not empty: extract into a new folder`);
  const written: string[] = [];
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    writeFileSync(path.join(out, rel), text);
    written.push(rel);
  };
  for (const rel of plan.copied) {
    mkdirSync(path.dirname(path.join(out, rel)), { recursive: true });
    copyFileSync(path.join(root, rel), path.join(out, rel));
    written.push(rel);
  }
  for (const [rel, text] of generated) write(rel, text);
  // What --apply takes out of the monolith and the service does not run (tests that need other
  // modules), kept beside the service so that --undo can put every file back.
  for (const rel of plan.stayingBehind) {
    mkdirSync(path.dirname(path.join(out, STAYED, rel)), { recursive: true });
    copyFileSync(path.join(root, rel), path.join(out, STAYED, rel));
  }
  const eslintConfig = path.join(out, 'eslint.config.js');
  if (existsSync(eslintConfig)) writeFileSync(eslintConfig, readFileSync(eslintConfig, 'utf8').replace('ignores: [', `ignores: ['${STAYED}/**', `));
  const m = plan.module;
  const monolith = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines?: unknown; scripts: Record<string, string> };
  write(
    'package.json',
    `${JSON.stringify(
      {
        name: `cafe-${m.name}`,
        version: '0.1.0',
        private: true,
        description: `The café's ${m.name} module as its own service, extracted from the modular monolith.`,
        type: 'module',
        engines: monolith.engines,
        scripts: {
          // The service bundle only: the browser pages and the embedded data template are the
          // monolith's (a service runs on its own Postgres, and the gateway serves the pages).
          build: monolith.scripts['build:server'],
          prestart: 'npm run build',
          start: 'node --enable-source-maps dist/server.js',
          test: 'vitest run',
          typecheck: 'tsc --noEmit',
          lint: 'eslint .',
          'db:migrate': 'tsx scripts/migrate.ts',
          contract: 'tsx scripts/contract.ts',
        },
        dependencies: plan.dependencies,
        devDependencies: plan.devDependencies,
      },
      null,
      2,
    )}\n`,
  );
  const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { include: string[] };
  tsconfig.include = ['src', 'test', 'scripts', 'drizzle.config.ts', 'vitest.config.ts'];
  write('tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`);
  write(
    'drizzle.config.ts',
    `import { defineConfig } from 'drizzle-kit';

/** ${m.name}'s schema, the only one this service owns: \`npx drizzle-kit generate\` after changing db/schema.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/${m.name}/db/schema.ts',
  out: './migrations/${m.name}',
  schemaFilter: ['${m.name}'],
});
`,
  );
  write('.gitignore', 'node_modules/\ndist/\n.data/\ncoverage/\n');
  write('.dockerignore', DOCKERIGNORE);
  write('Dockerfile', dockerfile(`cafe-${m.name}`));
  const clusterSettings: Record<string, string> = { MODULES: m.name, EVENT_TRANSPORT: 'bullmq', JWT_JWKS_URL: 'http://gateway/.well-known/jwks.json' };
  for (const n of plan.neighbours) if (n.declaration.provides) clusterSettings[serviceUrlsVariable(n.declaration.name)] = clusterUrls(n.declaration.name).split('=')[1]!;
  for (const [file, text] of Object.entries(kubernetesManifests(`cafe-${m.name}`, clusterSettings))) write(`k8s/${file}`, text);
  write('README.md', readme(plan));
  return written;
}

function readme(plan: ExtractionPlan): string {
  const m = plan.module;
  const calls = plan.neighbours.filter((n) => n.declaration.provides);
  const settings = ['| variable | default | meaning |', ...settingsTable(kernelSettings).slice(1)];
  const own = m.settings ? ['', `**${m.name}**`, '', ...settingsTable(m.settings)] : [];
  return `# cafe-${m.name}

The café's \`${m.name}\` module, extracted from the modular monolith as its own service. Its code,
its migrations and its tests came along unchanged; the kernel files it uses came with it. It hosts
only \`${m.name}\`, carries events on BullMQ (Redis) and verifies user tokens with the issuer's
keys (\`JWT_JWKS_URL\`).

## Run it locally

\`\`\`sh
npm ci
DATABASE_URL=postgres://postgres@127.0.0.1:5432/${m.name} REDIS_URL=redis://127.0.0.1:6379 \\
  JWT_JWKS_URL=http://127.0.0.1:3000/.well-known/jwks.json \\
  SERVICE_TOKEN_JWKS_URLS=http://127.0.0.1:3000/.well-known/service-jwks.json \\
  SERVICE_TOKEN_KEY="$(cat service-key.pem)" PORT=3001 npm start
\`\`\`

The monolith then runs without it (\`MODULES\` not naming it) and finds it with
\`${serviceUrlsVariable(m.name)}=http://127.0.0.1:3001\`. Both sides must share the BullMQ prefix and
trust each other's service keys. \`npm test\` runs its tests, \`npm run db:migrate\` applies its
migrations, \`npm run contract\` prints its public contract.${calls.length ? `\n\nIt calls ${calls.map((c) => `\`${c.declaration.name}\` (set \`${serviceUrlsVariable(c.declaration.name)}\`)`).join(', ')}.` : ''}

## Run it in a cluster

\`docker build -t cafe-${m.name} .\`, then \`kubectl apply -f k8s/\`. The Deployment probes
\`/health/live\` and \`/health/ready\`; the headless Service \`cafe-${m.name}-instances\` answers
every ready pod's address, so callers set \`${clusterUrls(m.name)}\`
and balance across pods themselves. Secrets (\`DATABASE_URL\`, \`REDIS_URL\`, \`SERVICE_TOKEN_KEY\`)
go in a Secret named \`cafe-${m.name}-secrets\`; the ConfigMap holds the rest.

## Tests that stayed behind

${plan.tests.left.length === 0 ? 'None: every test of the module came along.' : plan.tests.left.map((t) => `- \`${t.file}\`: ${t.reason}`).join('\n')}

They are kept in \`${STAYED}/\` (outside the build, the lint and the test run), and
\`npm run extract -- ${m.name} --undo\` in the monolith puts them back.

## Contract

\`contracts/${m.name}.consumer.json\` is the contract the monolith's modules were built against.
\`test/contract.test.ts\` fails when this service stops accepting what they send or promising what
they read. Refresh the file from the monolith (\`npm run contract -- ${m.name}\`) when both sides agree.

## Configuration

${[...settings, ...own].join('\n')}
`;
}
