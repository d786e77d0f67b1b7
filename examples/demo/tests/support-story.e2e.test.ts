import { createClient, type TierdeskClient } from '@tierdesk/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../src/chromium.mjs';
import { startDemo } from '../src/start-demo.mjs';
import { buildDemoIfMissing } from './demo.test-support';

// The whole support story, end to end, in real Chromium against the real demo (server on PGlite,
// widget host app, agent console, all on real sockets) with the server's clock 1200× faster:
// an end user searches the help center, reads an article, still opens a ticket (the form offers the
// article again, so does the Tier 0 assistant; the user writes back that it did not help); the
// first-response SLA warning fires and the seeded rule escalates L1 → L2; Kim (L2)
// signs in to the console and replies; the reply appears live in the widget; Kim solves the ticket;
// the user rates it; the console's metrics panel and GET /v1/metrics (alias of /v1/agent/metrics) show the first-response
// time, the escalation and the rating.

const SUBJECT = 'Password reset mail never arrives';

type Demo = Awaited<ReturnType<typeof startDemo>>;
let demo: Demo;
let browser: Browser;
let kimApi: TierdeskClient;
const activity: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  buildDemoIfMissing();
  demo = await startDemo({
    apiPort: 0,
    hostPort: 0,
    consolePort: 0,
    clockSpeed: 1200,
    onActivity: (line: string) => activity.push(line),
  });
  const kim = demo.agents.find((a) => a.id === 'agent-kim');
  if (kim === undefined) throw new Error('the demo has no agent-kim');
  kimApi = createClient({ baseUrl: demo.urls.api, getToken: () => kim.apiKey });
  browser = await launchChromium();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

describe('the support story in Chromium, against the running demo', () => {
  it('search → article → ticket anyway → SLA warning escalates L1 → L2 → L2 reply live in the widget → solved → rated → metrics', async () => {
    // 1. The end user, signed in to the host app, searches the help center and reads an article.
    const user = await newPage();
    await user.goto(demo.urls.host);
    await user.getByText(`Signed in as ${demo.user.name}`).waitFor();
    await user.getByRole('button', { name: 'Open help' }).click();
    const dialog = user.getByRole('dialog', { name: 'Help' });
    await dialog.getByRole('searchbox', { name: 'Search help articles' }).fill('password reset');
    await dialog.getByRole('button', { name: /Resetting your password/ }).click();
    await dialog.getByRole('heading', { level: 3, name: 'Resetting your password' }).waitFor();
    await dialog.getByRole('button', { name: 'Back' }).click();

    // 2. The article did not solve it: the form offers the article again, the user still sends.
    await dialog.getByRole('button', { name: 'Contact support' }).click();
    await dialog.getByRole('textbox', { name: 'Subject' }).fill(SUBJECT);
    await dialog
      .getByRole('textbox', { name: 'How can we help?' })
      .fill('I asked for a password reset three times; no mail arrived, not even in spam.');
    const suggestions = dialog.getByRole('region', { name: 'These articles may help' });
    await suggestions.getByRole('button', { name: /Resetting your password/ }).waitFor();
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await dialog.getByRole('heading', { level: 3, name: SUBJECT }).waitFor();
    await dialog.getByText(/Reply due/).waitFor();

    const created = await waitFor(async () => {
      const queue = await kimApi.queue({ query: {} });
      return queue.items.find((t) => t.subject === SUBJECT);
    }, 'the ticket in the queue');
    const ticketId = created.id;

    // 3. The Tier 0 assistant answers first, pointing at the same article; the user writes back that it
    // did not help, which hands the ticket to a person (L1).
    const conversation = dialog.locator('.td-widget-thread');
    await conversation.getByText(/Resetting your password/).waitFor();
    await dialog
      .getByRole('textbox', { name: 'Your message' })
      .fill('That article did not help: no mail at all.');
    await dialog.getByRole('button', { name: 'Send', exact: true }).click();
    await waitFor(async () => {
      const { ticket } = await kimApi.getTicket({ params: { ticketId } });
      return ticket.tier === 1 ? ticket : undefined;
    }, 'the hand-off from the assistant to L1');

    // 4. Nobody answers at L1: the first-response warning fires and the seeded rule moves it to L2.
    const escalated = await waitFor(
      async () => {
        const { ticket, events } = await kimApi.getTicket({ params: { ticketId } });
        const move = events.find((e) => e.type === 'tier.changed' && e.to === 2);
        const warning = events.find((e) => e.type === 'sla.warning' && e.metric === 'first_response');
        return ticket.tier === 2 && move !== undefined && warning !== undefined
          ? { move, warning }
          : undefined;
      },
      'the first-response warning and the escalation to L2',
      60_000,
      async () => {
        const { ticket, events } = await kimApi.getTicket({ params: { ticketId } });
        return JSON.stringify({ tier: ticket.tier, sla: ticket.sla, events: events.map((e) => e.type) });
      },
    );
    expect(escalated.move).toMatchObject({
      type: 'tier.changed',
      from: 1,
      to: 2,
      reason: 'first response at risk',
      ruleId: 'warn-to-l2',
    });
    expect(activity.join('\n')).toMatch(/warning/i);

    // 5. Kim (L2) signs in to the console from her printed login link and replies.
    const kim = demo.agents.find((a) => a.id === 'agent-kim');
    const agent = await newPage();
    await agent.goto(kim?.loginUrl ?? 'about:blank');
    await agent.getByText('Signed in as Kim (L2)').waitFor();
    const queue = agent.getByRole('table', { name: 'Queue' });
    await queue.getByRole('button', { name: new RegExp(SUBJECT) }).click();
    await agent.getByRole('heading', { level: 2, name: new RegExp(SUBJECT) }).waitFor();
    const thread = agent.getByRole('region', { name: 'Conversation' });
    await thread.getByText('Escalated from Tier 1 to Tier 2').waitFor();
    const reply = 'Our mail provider was blocking your domain; it is unblocked now. Please try once more.';
    await agent.getByRole('textbox', { name: 'Reply to customer' }).fill(reply);
    await agent.getByRole('button', { name: 'Send reply' }).click();
    await thread.getByText(reply).waitFor();

    // 6. The reply appears live in the open widget, without a reload.
    await dialog.getByText(reply).waitFor();
    // …and in sight: the panel scrolled to it (a reply below the fold would go unseen).
    await expect
      .poll(async () => {
        const body = await dialog.locator('.td-widget-body').boundingBox();
        const message = await dialog.getByText(reply).boundingBox();
        return body !== null && message !== null && message.y + message.height <= body.y + body.height + 1;
      })
      .toBe(true);

    // 7. Kim solves the ticket; the widget asks for a rating; the user rates it.
    await agent
      .getByRole('region', { name: 'Ticket properties' })
      .getByRole('combobox', { name: 'Status' })
      .selectOption('solved');
    await thread.getByText(/to Solved/).waitFor();
    const csat = dialog.getByRole('group', { name: 'How would you rate the support you received?' });
    await csat.getByRole('radio', { name: 'Very satisfied' }).check();
    await dialog.getByRole('button', { name: 'Send rating' }).click();
    await dialog.getByText('Thank you for rating our support!').waitFor();
    await thread.getByText('Customer rated the support 5 of 5').waitFor();

    // 8. The metrics API and the console's metrics panel show the first response, the escalation and
    // the rating.
    const report = await waitFor(async () => {
      const metrics = await kimApi.metrics({ query: {} });
      return metrics.csat.responses > 0 ? metrics : undefined;
    }, 'the rating in the metrics');
    expect(report.firstResponse.count).toBeGreaterThanOrEqual(1);
    expect(report.firstResponse.medianMs).toBeGreaterThan(0);
    // The report lists every adjacent tier step, also with a count of 0: the story's one escalation counts.
    expect(report.escalations).toContainEqual(expect.objectContaining({ from: 1, to: 2, count: 1 }));
    expect(report.csat).toMatchObject({ responses: 1, satisfied: 1, average: 5 });
    // The same report at GET /v1/metrics, the short path (plain HTTP, as an operator's script calls it).
    const kimKey = demo.agents.find((a) => a.id === 'agent-kim')?.apiKey ?? '';
    const short = await fetch(`${demo.urls.api}/v1/metrics`, {
      headers: { authorization: `Bearer ${kimKey}` },
    });
    expect(short.status).toBe(200);
    const shortReport = (await short.json()) as typeof report;
    expect(shortReport.firstResponse).toEqual(report.firstResponse);
    expect(shortReport.escalations).toContainEqual(expect.objectContaining({ from: 1, to: 2, count: 1 }));
    expect(shortReport.csat).toEqual(report.csat);
    expect((await fetch(`${demo.urls.api}/v1/metrics`)).status).toBe(401);

    await agent.reload();
    await agent.getByText('Signed in as Kim (L2)').waitFor();
    const panel = agent.getByRole('region', { name: 'Metrics' });
    await panel
      .getByRole('table', { name: 'Escalations' })
      .getByRole('row', { name: /^Tier 1\s+Tier 2\s+1\s/ })
      .waitFor();
    const figure = (label: string) => panel.locator('.td-metrics-figure').filter({ hasText: label });
    // A duration such as "2 hr, 1 min" (the first response took about two business hours of demo time).
    await expect.poll(() => figure('First response time (median)').locator('dd').innerText()).toMatch(/\d/);
    await expect.poll(() => figure('Customer satisfaction').innerText()).toMatch(/100\s?%[\s\S]*1 of 1/);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  lastSeen?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const last = await lastSeen?.();
      throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `; last seen: ${last}`}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
