// `npm run screenshots`: takes the README tour's screenshots from the real running demo in Chromium
// (Debian's /usr/bin/chromium, or TIERDESK_CHROMIUM). It starts the demo on free ports with a fast
// clock, plays the support story — search, article, ticket, the first-response warning escalating
// L1 → L2, Kim's reply live in the widget, solve, rating — and saves a PNG at each step into
// docs/screenshots/. Needs the built packages and apps (`npm run build`).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@tierdesk/core';
import { launchChromium } from './chromium.mjs';
import { startDemo } from './start-demo.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = resolve(ROOT, 'docs/screenshots');
const SUBJECT = 'Password reset mail never arrives';

mkdirSync(OUT, { recursive: true });
const demo = await startDemo({ apiPort: 0, hostPort: 0, consolePort: 0, clockSpeed: 1200 });
const browser = await launchChromium();

/** @param {import('playwright-core').Page} page @param {string} name */
async function shot(page, name) {
  const file = resolve(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`saved ${file.slice(ROOT.length + 1)}`);
}

/** @template T @param {() => Promise<T | undefined>} probe @param {string} what */
async function until(probe, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

try {
  const kim = demo.agents.find((a) => a.id === 'agent-kim');
  if (kim === undefined) throw new Error('the demo has no agent-kim');
  const api = createClient({ baseUrl: demo.urls.api, getToken: () => kim.apiKey });
  const viewport = { width: 1280, height: 800 };

  const user = await browser.newPage({ viewport });
  user.setDefaultTimeout(15_000);
  await user.goto(demo.urls.host);
  await user.getByText(`Signed in as ${demo.user.name}`).waitFor();
  await shot(user, '1-host-app');
  await user.getByRole('button', { name: 'Open help' }).click();
  const dialog = user.getByRole('dialog', { name: 'Help' });
  await dialog.getByRole('searchbox', { name: 'Search help articles' }).fill('password reset');
  await dialog.getByRole('button', { name: /Resetting your password/ }).waitFor();
  await shot(user, '2-widget-search');
  await dialog.getByRole('button', { name: /Resetting your password/ }).click();
  await dialog.getByRole('heading', { level: 3, name: 'Resetting your password' }).waitFor();
  await shot(user, '3-widget-article');
  await dialog.getByRole('button', { name: 'Back' }).click();
  await dialog.getByRole('button', { name: 'Contact support' }).click();
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(SUBJECT);
  await dialog
    .getByRole('textbox', { name: 'How can we help?' })
    .fill('I asked for a password reset three times; no mail arrived, not even in spam.');
  await dialog
    .getByRole('region', { name: 'These articles may help' })
    .getByRole('button', { name: /Resetting your password/ })
    .waitFor();
  await shot(user, '4-widget-suggestions');
  await dialog.getByRole('button', { name: 'Send request' }).click();
  await dialog.getByRole('heading', { level: 3, name: SUBJECT }).waitFor();
  await dialog
    .locator('.td-widget-thread')
    .getByText(/Resetting your password/)
    .waitFor();
  await dialog
    .getByRole('textbox', { name: 'Your message' })
    .fill('That article did not help: no mail at all.');
  await dialog.getByRole('button', { name: 'Send', exact: true }).click();

  const ticket = await until(async () => {
    const queue = await api.queue({ query: {} });
    const found = queue.items.find((t) => t.subject === SUBJECT);
    return found?.tier === 2 ? found : undefined;
  }, 'the escalation to L2');

  const agent = await browser.newPage({ viewport });
  agent.setDefaultTimeout(15_000);
  await agent.goto(kim.loginUrl);
  await agent.getByText('Signed in as Kim (L2)').waitFor();
  await agent
    .getByRole('table', { name: 'Queue' })
    .getByRole('button', { name: new RegExp(SUBJECT) })
    .click();
  const thread = agent.getByRole('region', { name: 'Conversation' });
  await thread.getByText('Escalated from Tier 1 to Tier 2').waitFor();
  await shot(agent, '5-console-escalated');
  const reply = 'Our mail provider was blocking your domain; it is unblocked now. Please try once more.';
  await agent.getByRole('textbox', { name: 'Reply to customer' }).fill(reply);
  await agent.getByRole('button', { name: 'Send reply' }).click();
  await thread.getByText(reply).waitFor();
  await dialog.getByText(reply).waitFor();
  await shot(user, '6-widget-live-reply');
  await agent
    .getByRole('region', { name: 'Ticket properties' })
    .getByRole('combobox', { name: 'Status' })
    .selectOption('solved');
  const csat = dialog.getByRole('group', { name: 'How would you rate the support you received?' });
  await csat.getByRole('radio', { name: 'Very satisfied' }).check();
  await shot(user, '7-widget-rating');
  await dialog.getByRole('button', { name: 'Send rating' }).click();
  await thread.getByText('Customer rated the support 5 of 5').waitFor();
  await until(async () => {
    const metrics = await api.metrics({ query: {} });
    return metrics.csat.responses > 0 ? metrics : undefined;
  }, 'the rating in the metrics');
  await agent.reload();
  const panel = agent.getByRole('region', { name: 'Metrics' });
  await panel.getByRole('table', { name: 'Escalations' }).waitFor();
  await panel.scrollIntoViewIfNeeded();
  await shot(agent, '8-console-metrics');
  console.log(`ticket #${ticket.number} played through; screenshots in ${OUT.slice(ROOT.length + 1)}/`);
} finally {
  await browser.close();
  await demo.close();
}
