import { serve, type ServerType } from '@hono/node-server';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../support/test-app.ts';
import type { ConfigOverrides } from '../../../src/shared/config.ts';
import type { ModuleDefinition } from '../../../src/shared/module.ts';
import { WEB_ROOT } from '../../../src/app.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Debian's Chromium (`.ci/run` installs it); another build can be named with CHROMIUM_PATH. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (install Debian's chromium package or set CHROMIUM_PATH): browser tests skipped`;
if (chromiumMissing) console.warn(chromiumMissing);

/** Screenshots of each page go here, kept by CI as test artifacts. */
export const ARTIFACTS = path.join(ROOT, 'reports', 'browser');

let built = false;
/** The pages as `npm run build:web` makes them: the tests drive what users get. */
export function buildPages(): void {
  if (built) return;
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'scripts', 'build-web.ts')], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium keeps dialling Google's hosts, which a closed network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface ServedApp {
  app: TestApp;
  url: string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** The module list instead of the café's (e.g. the café's plus a fixture module). */
  modules?: readonly ModuleDefinition[];
  /** Path prefixes of fixture routes outside the OpenAPI document. */
  undocumented?: readonly string[];
}

/** The whole application on a real port, so a browser can reach it; pages built first. */
export async function serveApp(config: ConfigOverrides = {}, options: ServeOptions = {}): Promise<ServedApp> {
  buildPages();
  const app = await startTestApp({ config: { CONSOLE_ENABLED: true, ...config }, ...(options.modules ? { modules: options.modules, webRoot: WEB_ROOT } : {}), undocumented: options.undocumented });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.kernel.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
    },
  };
}

/**
 * Every console message of level error and every uncaught page error, per page: a test ends by
 * asserting the list is empty.
 */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const axeSource = () => readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's WCAG 2 A/AA rules on the page as it is now; violations of impact serious or critical. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the debugging protocol, so the page's script policy does not stop it.
  await page.evaluate(axeSource());
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export type { Browser, BrowserContext, Page };
