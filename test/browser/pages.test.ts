import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, collectErrors, launchBrowser, serveApp, seriousViolations, type Browser, type ServedApp } from './support/browser.ts';

describe.skipIf(chromiumMissing)('browser pages are served', () => {
  let served: ServedApp;
  let browser: Browser;
  beforeAll(async () => {
    served = await serveApp();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it.each(['/', '/console'])('%s loads under its own script policy with no console errors and no serious accessibility violations', async (path) => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const res = await page.goto(served.url + path);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('h1').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
