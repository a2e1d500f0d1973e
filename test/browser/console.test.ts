import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modules } from '../../src/modules.ts';
import { eventually } from '../../src/shared/testing/scenario.ts';
import { createProbeModule } from '../fixtures/probe/module.ts';
import { ADMIN } from '../support/test-app.ts';
import { chromiumMissing, collectErrors, launchBrowser, screenshot, serveApp, seriousViolations, type Browser, type Page, type ServedApp } from './support/browser.ts';
import { placeOrder } from './support/console-story.ts';

/**
 * The console as an operator uses it: sign in, read the graph and a module, follow one order's
 * events and trace, and replay a dead letter from a handler made to fail (the probe fixture,
 * whose subscriptions throw on a poison ping until it is fixed).
 */
describe.skipIf(chromiumMissing)('the console', () => {
  const probe = createProbeModule('console-probe');
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    served = await serveApp({}, { modules: [...modules, probe.module], undocumented: ['/api/probe'] });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    errors = collectErrors(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  const view = async (name: string) => {
    await screenshot(page, `console-${name}`);
    expect(await seriousViolations(page), `accessibility of ${name}`).toEqual([]);
  };

  it('signs an operator in and draws the module graph', async () => {
    await page.goto(`${served.url}/console`);
    await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
    await view('sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Module graph' }).waitFor();
    await expect.poll(() => page.locator('svg.graph a.node').count()).toBe(modules.length + 1);
    expect(await page.locator('svg.graph .edge-api').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.graph a.node', { hasText: 'ordering' }).textContent()).toContain('runs here');
    await view('graph');
  }, 60_000);

  it("shows a module's contract and subscriptions", async () => {
    await page.locator('svg.graph a.node', { hasText: 'ordering' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Module ordering' }).waitFor();
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    expect(await page.getByText('ordering.order-placed', { exact: true }).count()).toBeGreaterThan(0);
    await view('module');
  }, 60_000);

  it("follows one order's events in order, and its trace across modules", async () => {
    await page.getByRole('link', { name: 'Event stream' }).click();
    await page.locator('.stream-live').waitFor();
    const correlationId = `console-order-${Date.now()}`;
    const { events } = await placeOrder(served.app, correlationId);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ordering.order-placed', 'ordering.order-paid', 'fulfillment.ticket-opened']));

    await page.getByRole('textbox', { name: 'Correlation id' }).fill(correlationId);
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('table.events tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(events.length);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-event-type')));
    expect(shown).toEqual(events.map((e) => e.type));
    expect(shown.indexOf('ordering.order-placed')).toBeLessThan(shown.indexOf('ordering.order-paid'));
    // Each event lists the subscriptions it reached: every one declared for its type, handled.
    const reached = () => rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('.outcome-handled code')).map((c) => c.textContent).sort()));
    const declared = events.map((e) => [...modules, probe.module].flatMap((m) => Object.entries(m.subscribesTo).filter(([, c]) => c.type === e.type).map(([name]) => name)).sort());
    await expect.poll(reached, { timeout: 10_000 }).toEqual(declared);
    await view('events');

    await page.getByRole('link', { name: `Trace waterfall for ${correlationId}` }).click();
    await page.getByRole('heading', { name: 'Trace waterfall' }).waitFor();
    await page.locator('table.waterfall tbody tr').first().waitFor();
    const spanModules = await page.locator('table.waterfall tbody tr').evaluateAll((trs) => [...new Set(trs.map((tr) => tr.getAttribute('data-module')).filter(Boolean))]);
    expect(spanModules).toEqual(expect.arrayContaining(['catalog', 'ordering', 'payments', 'fulfillment']));
    expect(await page.getByRole('rowheader', { name: 'POST /api/orders' }).count()).toBe(1);
    await view('trace');
  }, 120_000);

  it('shows a dead letter, and its replay delivers it once', async () => {
    const admin = await served.app.adminToken();
    const ping = await served.app.http.post('/api/probe/pings', { n: 4242, poison: true }, admin);
    expect(ping.status).toBe(201);
    const [eventId] = ping.body.eventIds as string[];
    await eventually(() => served.app.kernel.bus.deadLetters(), (letters) => letters.filter((l) => l.eventId === eventId).length === 2, { within: 20_000 });
    probe.control.poisonFixed = true;

    await page.getByRole('link', { name: 'Dead letters' }).click();
    const row = page.locator('table.dead-letters tr[data-subscription="probe.record-a"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('poison ping 4242');
    await page.getByText('Saga steps', { exact: true }).waitFor();
    await page.locator('table.saga-steps tbody tr').first().waitFor();
    await view('dead-letters');

    const before = probe.control.attempts.filter((a) => a.eventId === eventId && a.subscription === 'probe.record-a').length;
    await row.getByRole('button', { name: /^Replay/ }).click();
    await page.getByText('Replayed probe.pinged to probe.record-a.').waitFor();
    const effects = async () => ((await served.app.http.get('/api/probe/effects?n=4242', admin)).body as { subscription: string; eventId: string }[]).filter((e) => e.eventId === eventId);
    await eventually(effects, (rows) => rows.length === 1, { within: 10_000 });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await effects()).map((e) => e.subscription)).toEqual(['probe.record-a']);
    expect(probe.control.attempts.filter((a) => a.eventId === eventId && a.subscription === 'probe.record-a').length).toBe(before + 1);
    await expect.poll(() => page.locator('table.dead-letters tr[data-subscription="probe.record-a"]').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.locator('table.dead-letters tr[data-subscription="probe.record-b"]').count()).toBe(1);
  }, 120_000);

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Graph', exact: true }).click();
    await page.getByRole('heading', { name: 'Module graph' }).waitFor();
    // The graph scrolls inside its frame; the page itself does not scroll sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await view('graph-phone');
    await page.getByRole('link', { name: 'Event stream' }).click();
    await page.locator('.stream-live').waitFor();
    await view('events-phone');
  }, 60_000);

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
