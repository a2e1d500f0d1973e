/**
 * The extracted service's composition root, generated: it hosts the one module, declares the
 * neighbours it talks to, runs on the BullMQ transport and verifies user tokens through the
 * issuer's JWKS. Plus the generated contract test and the consumer's copy of the contract.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeContract } from '../../src/shared/contracts/index.ts';
import type { ModuleDefinition } from '../../src/shared/module.ts';
import { camel, declarationSource, importLines, type Declaration, type Uses } from './declarations.ts';

export interface CompositionInput {
  module: ModuleDefinition;
  neighbours: { definition: ModuleDefinition; declaration: Declaration }[];
}

export function serviceComposition(root: string, input: CompositionInput, operatorRole: string, definitionExport: string): Map<string, string> {
  const { module: m, neighbours } = input;
  const uses: Uses = new Map();
  const declarations = neighbours.map(({ declaration }) =>
    declarationSource(declaration, `${camel(declaration.name)}Declared`, uses, `/** ${declaration.name} runs elsewhere; what this service needs of it. */\n`),
  );
  const modulesTs = [
    `/**`,
    ` * This service's composition root: it hosts ${m.name}. The modules it calls, consumes events from`,
    ` * or publishes events to run elsewhere and are declared here by their public contracts only.`,
    ` */`,
    `import { ${definitionExport} } from './modules/${m.name}/module.ts';`,
    ...(declarations.length ? [`import { remoteModule } from './shared/index.ts';`] : []),
    ...importLines(uses, (x) => `./modules/${x}/index.ts`),
    `import type { ModuleDefinition } from './shared/module.ts';`,
    ``,
    ...declarations,
    `export const modules: readonly ModuleDefinition[] = [${[definitionExport, ...neighbours.map((n) => `${camel(n.declaration.name)}Declared`)].join(', ')}] as readonly ModuleDefinition[];`,
    ``,
  ].join('\n');

  const appTs = `import { fileURLToPath } from 'node:url';
import type { Config } from './shared/config.ts';
import { createKernel, type Kernel } from './shared/kernel.ts';
import type { Logger } from './shared/logger.ts';
import { modules } from './modules.ts';

/** The role that operates the service (its admin routes, dead letters), as identity names it. */
export const OPERATOR_ROLE = '${operatorRole}';

export const MIGRATIONS_ROOT = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Builds the service from configuration. Accounts are not checked here: user tokens are verified
 * against the issuer's keys, and the gateway in front has confirmed the account for writes.
 */
export function createApp(config: Config, options: { logger?: Logger } = {}): Promise<Kernel> {
  return createKernel({ config, modules, migrationsRoot: MIGRATIONS_ROOT, operatorRole: OPERATOR_ROLE, logger: options.logger });
}
`;

  // The monolith's server entry, with two service rules: BullMQ unless told otherwise, and no
  // start without a way to verify the issuer's tokens.
  const monolithMain = readFileSync(path.join(root, 'src/main.ts'), 'utf8');
  const load = 'config = loadConfig(process.env, {}, modules);';
  if (!monolithMain.includes(load)) throw new Error(`src/main.ts no longer reads its configuration with \`${load}\`; update scripts/extract/composition.ts`);
  const mainTs = monolithMain.replace(
    load,
    `// Events reach this service from other processes: BullMQ on Redis unless told otherwise.
    config = loadConfig({ EVENT_TRANSPORT: 'bullmq', ...process.env }, {}, modules);
    if (!config.JWT_JWKS_URL && !config.JWT_PRIVATE_KEY) throw new ConfigError('JWT_JWKS_URL: set it to the token issuer\\'s /.well-known/jwks.json so this service can verify user tokens');`,
  );

  const consumer = describeContract(m.name, m.provides, m.publishes);
  const contractTest = `import '@hono/zod-openapi';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compatibility, describeContract, type ContractDocument } from '../src/shared/contracts/index.ts';
import { modules } from '../src/modules.ts';

/**
 * The monolith's modules were built against the contract in contracts/${m.name}.consumer.json
 * (written at extraction; refresh it from the monolith with \`npm run contract -- ${m.name}\`).
 * This service must keep accepting what they send and promising what they read.
 */
describe('${m.name} still serves the contract its consumers were built against', () => {
  const consumer = JSON.parse(readFileSync(new URL('../contracts/${m.name}.consumer.json', import.meta.url), 'utf8')) as ContractDocument;
  const provider = modules.find((m) => m.name === '${m.name}')!;
  const live = describeContract(provider.name, provider.provides, provider.publishes);

  it('accepts every input and promises every field the consumer reads', () => {
    expect(compatibility(live, consumer)).toEqual([]);
  });

  it('the check refuses a provider that drops a field the consumer reads', () => {
    const method = Object.keys(live.api)[0];
    const event = Object.keys(live.events)[0];
    const narrowed = structuredClone(live);
    if (method) narrowed.api[method]!.output = { type: 'null' };
    if (event) narrowed.events[event]!.payload = { type: 'null' };
    if (method || event) expect(compatibility(narrowed, consumer).length).toBeGreaterThan(0);
    else expect(Object.keys(consumer.api).length + Object.keys(consumer.events).length).toBe(0);
  });
});
`;
  return new Map([
    ['src/modules.ts', modulesTs],
    ['src/app.ts', appTs],
    ['src/main.ts', mainTs],
    ['test/contract.test.ts', contractTest],
    [`contracts/${m.name}.consumer.json`, `${JSON.stringify(consumer, null, 2)}\n`],
  ]);
}
