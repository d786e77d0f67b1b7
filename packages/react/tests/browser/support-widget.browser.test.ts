import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase, migrate, type SqlDatabase } from '../../../node/src/store';
import { startTestServer, type TestServer } from '../../../node/tests/support/server';
import { type AxeViolation, axeViolations, launchChromium } from './support/browser';
import { startWidgetPage, type WidgetPage } from './support/widget-page';

// <SupportWidget/> bundled by esbuild (panel as a lazy chunk), served beside a real Tierdesk server
// (PGlite), in real Chromium: opened from the keyboard, searched, closed, with axe on each state.

let db: SqlDatabase;
let server: TestServer;
let page: WidgetPage;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  db = await createPgliteDatabase();
  await migrate(db);
  server = await startTestServer(db);
  const lee = await server.agentClient('agent-l1');
  await lee.createArticle({
    body: {
      title: 'Fixing VPN drops',
      body: 'When the **VPN** drops every hour, renew the certificate in Settings.',
      published: true,
    },
  });
  [page, browser] = await Promise.all([
    startWidgetPage({ apiBaseUrl: server.baseUrl, token: await server.tokenFor('u-ada'), identity: 'u-ada' }),
    launchChromium(),
  ]);
  context = await browser.newContext();
  context.setDefaultTimeout(5_000);
}, 30_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await page?.close();
  await server?.close();
  await db?.close();
});

/** Asserts axe finds nothing, printing the violations when it does. */
async function expectNoViolations(p: Page, state: string): Promise<void> {
  const violations: AxeViolation[] = await axeViolations(p);
  if (violations.length > 0) console.error(`axe violations (${state}):`, JSON.stringify(violations, null, 2));
  expect(violations, state).toEqual([]);
}

describe('<SupportWidget/> in real Chromium', () => {
  it('opens from the keyboard, searches, closes on Escape, with no axe violation in any state', async () => {
    const p = await context.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    const scripts: string[] = [];
    p.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    if (process.env.DEBUG_WIDGET) p.on('console', (m) => console.log('[page]', m.text()));
    if (process.env.DEBUG_WIDGET) p.on('response', (r) => console.log('[net]', r.status(), r.url()));
    await p.goto(page.url);
    const launcher = p.getByRole('button', { name: 'Open help' });
    await launcher.waitFor();
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    await expectNoViolations(p, 'closed');
    // The panel is a lazy chunk: not fetched until the widget opens.
    expect(scripts.some((s) => s.startsWith('/assets/panel-'))).toBe(false);

    // Tab through the host page until the launcher has focus, then Enter.
    for (let i = 0; i < 5 && !(await launcher.evaluate((el) => el === document.activeElement)); i++) {
      await p.keyboard.press('Tab');
    }
    expect(await launcher.evaluate((el) => el === document.activeElement)).toBe(true);
    await p.keyboard.press('Enter');
    const dialog = p.getByRole('dialog', { name: 'Help' });
    await dialog.waitFor();
    expect(scripts.some((s) => s.startsWith('/assets/panel-'))).toBe(true);
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    const search = dialog.getByRole('searchbox', { name: 'Search help articles' });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await expectNoViolations(p, 'open');

    await p.keyboard.type('vpn');
    await dialog.getByRole('button', { name: /Fixing VPN drops/ }).waitFor({ timeout: 5_000 });
    // The count is announced in a visually hidden live region beside the dialog.
    await p.getByText('1 article found').waitFor({ state: 'attached' });
    await expectNoViolations(p, 'search results');

    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    const back = p.getByRole('button', { name: 'Open help' });
    expect(await back.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await back.getAttribute('aria-expanded')).toBe('false');
    await expectNoViolations(p, 'closed again');
    expect(errors).toEqual([]);
  }, 30_000);
});
