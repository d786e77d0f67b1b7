import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDatabase, migrate, type SqlDatabase } from '../../../node/src/store';
import { startTestServer, type TestServer } from '../../../node/tests/support/server';
import { type AgentPage, startAgentPage } from './support/agent-page';
import { type AxeViolation, axeViolations, launchChromium } from './support/browser';

// The agent console (queue, ticket view, metrics) bundled by esbuild beside a real Tierdesk server
// (PGlite), in real Chromium: driven from the keyboard, with axe (contrast included) on each state,
// light and dark, left-to-right and right-to-left.

let db: SqlDatabase;
let server: TestServer;
let browser: Browser;
let context: BrowserContext;
const pages: AgentPage[] = [];

beforeAll(async () => {
  db = await createPgliteDatabase();
  await migrate(db);
  server = await startTestServer(db);
  const customer = server.userClient('u-grace', 'acme', { name: 'Grace Hopper', email: 'grace@example.com' });
  const first = await customer.createTicket({
    body: { subject: 'Compiler crash', body: 'The **compiler** crashes.' },
  });
  await customer.createTicket({ body: { subject: 'Billing question', body: 'Invoice?', priority: 'high' } });
  const lee = await server.agentClient('agent-l1');
  await lee.addNote({ params: { ticketId: first.id }, body: { body: 'Known issue in 2.3' } });
  browser = await launchChromium();
  context = await browser.newContext();
  context.setDefaultTimeout(5_000);
}, 30_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  for (const page of pages) await page.close();
  await server?.close();
  await db?.close();
});

async function expectNoViolations(p: Page, state: string): Promise<void> {
  const violations: AxeViolation[] = await axeViolations(p);
  if (violations.length > 0) console.error(`axe violations (${state}):`, JSON.stringify(violations, null, 2));
  expect(violations, state).toEqual([]);
}

for (const [theme, dir] of [
  ['light', 'ltr'],
  ['dark', 'rtl'],
] as const) {
  describe(`agent console in real Chromium (${theme}, ${dir})`, () => {
    it('queue → ticket → escalate form → note mode, keyboard only, with no axe violation', async () => {
      const page = await startAgentPage({
        apiBaseUrl: server.baseUrl,
        apiKey: await server.apiKeyFor('agent-l1'),
        agentId: 'agent-l1',
        theme,
        dir,
      });
      pages.push(page);
      const p = await context.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(page.url);
      const queue = p.getByRole('table', { name: 'Queue' });
      await queue.waitFor();
      await p.getByRole('heading', { name: 'Metrics' }).waitFor();
      await p.getByText('SLA breaches').waitFor();
      await expectNoViolations(p, 'queue');

      const open = queue.getByRole('button', { name: /Compiler crash/ });
      await open.focus();
      await p.keyboard.press('Enter');
      await p.getByRole('heading', { level: 2, name: /Compiler crash/ }).waitFor();
      await p.getByRole('list', { name: 'Previous tickets' }).waitFor();
      await expectNoViolations(p, 'ticket view');

      const escalate = p.getByRole('button', { name: 'Escalate', exact: true });
      await escalate.focus();
      await p.keyboard.press('Enter');
      const form = p.getByRole('form', { name: 'Escalate to a higher tier' });
      await form.waitFor();
      // Focus moved into the form; submitting without a reason shows the error beside the field.
      expect(
        await form
          .getByRole('combobox', { name: 'Target tier' })
          .evaluate((el) => el === document.activeElement),
      ).toBe(true);
      await form.getByRole('button', { name: /^Escalate to/ }).press('Enter');
      await form.getByText('Give a reason for the change.').waitFor();
      await expectNoViolations(p, 'escalate form with error');
      await form.getByRole('button', { name: 'Cancel' }).press('Enter');
      expect(await escalate.evaluate((el) => el === document.activeElement)).toBe(true);

      await p.getByRole('radio', { name: 'Internal note' }).check();
      await p.getByRole('textbox', { name: 'Internal note' }).waitFor();
      await expectNoViolations(p, 'note mode');
      expect(errors).toEqual([]);
      await p.close();
    }, 30_000);
  });
}
