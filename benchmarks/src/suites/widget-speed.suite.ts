// Suite "Widget speed": in real Chromium, how long from the launcher click to a panel the user can type
// into, and how long a 500-message conversation takes to appear.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../../packages/react/tests/browser/support/browser';
import { servePage } from '../../../packages/react/tests/browser/support/page-server';
import { type BenchServer, startServer } from '../lib/processes';
import { type SuiteContext, type SuiteReport, table } from '../lib/report';
import { api, seedArticles } from '../lib/seed';
import { fmt, median, percentile } from '../lib/stats';
import { AGENT, benchServerOptions, benchWorkspace, userTokens, WORKSPACE } from '../lib/workspace';

const ROOT = resolve(import.meta.dirname, '../../..');
const MESSAGES = 500;

// The host page: the drop-in widget from the BUILT @tierdesk/react (what users install), its controller
// on window so the page can open a ticket, and two in-page probes timed with performance.now().
const ENTRY = (token: string) => `
import { createRoot } from 'react-dom/client';
import { SupportWidget, createSupportWidgetController } from '@tierdesk/react/widget';
const controller = createSupportWidgetController();
const token = ${JSON.stringify(token)};
createRoot(document.getElementById('root')).render(
  <SupportWidget baseUrl={location.origin} getToken={() => token} identity="user-0" controller={controller} />,
);
/** Resolves with the ms until check() holds, re-checked on every DOM change and focus move. */
function until(check, start) {
  return new Promise((done) => {
    const test = () => { if (check()) { observer.disconnect(); document.removeEventListener('focusin', test); done(performance.now() - start); } };
    const observer = new MutationObserver(test);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    document.addEventListener('focusin', test);
    test();
  });
}
// Interactive: the dialog is there, its search box enabled and focused (the widget moves focus into it).
window.__openPanel = () => {
  const launcher = document.querySelector('button[aria-label="Open help"]');
  const start = performance.now();
  launcher.click();
  return until(() => {
    const box = document.querySelector('[role="dialog"] input[type="search"]');
    return box !== null && !box.disabled && document.activeElement === box;
  }, start);
};
window.__openConversation = async (ticketId, count) => {
  const start = performance.now();
  controller.openTicket(ticketId);
  const ms = await until(() => document.querySelectorAll('.td-widget-thread > li.td-widget-msg').length >= count, start);
  const fetched = performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/tickets/' + ticketId)).at(-1);
  return { ms, fetchedMs: fetched === undefined ? null : fetched.responseEnd - start };
};
`;

async function bundlePage(token: string): Promise<{ html: string; outdir: string }> {
  const outdir = await mkdtemp(join(tmpdir(), 'tierdesk-bench-widget-'));
  await build({
    stdin: { contents: ENTRY(token), loader: 'tsx', resolveDir: ROOT, sourcefile: 'entry.tsx' },
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    outdir,
    entryNames: 'entry',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const css =
    (await readFile(join(ROOT, 'packages/react/src/theme/styles.css'), 'utf8')) +
    (await readFile(join(ROOT, 'packages/react/src/widget/widget.css'), 'utf8'));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<style>${css}</style></head><body><main><h1>Host app</h1></main><div id="root"></div><script type="module" src="/assets/entry.js"></script></body></html>`;
  return { html, outdir };
}

/** Times the widget in Chromium against a real server on PGlite. */
export async function widgetSpeedSuite(ctx: SuiteContext): Promise<SuiteReport> {
  const samples = ctx.quick ? { open: 3, conversation: 2 } : { open: 12, conversation: 6 };
  let server: BenchServer | undefined;
  let browser: Browser | undefined;
  let page: Awaited<ReturnType<typeof servePage>> | undefined;
  try {
    const secret = randomBytes(32).toString('base64url');
    server = await startServer({
      mode: 'tierdesk',
      options: benchServerOptions({ kind: 'pglite' }, [benchWorkspace(secret)]),
    });
    const s = server;
    const { key } = await s.control<{ key: string }>('/api-key', { workspaceId: WORKSPACE, agentId: AGENT });
    const [token] = await userTokens(secret, 1);
    await seedArticles(s.url, key, 30);
    const seedStarted = performance.now();
    const ticket = await api<{ id: string }>(s.url, 'POST', '/v1/tickets', token as string, {
      subject: 'A long conversation',
      body: 'Message 1: the export still fails.',
    });
    for (let i = 2; i <= MESSAGES; i++) {
      const body = {
        body: `Message ${i}: ${i % 2 === 0 ? 'we are looking into it, could you send the log?' : 'here it is, still failing.'}`,
      };
      if (i % 2 === 0) await api(s.url, 'POST', `/v1/agent/tickets/${ticket.id}/messages`, key, body);
      else await api(s.url, 'POST', `/v1/tickets/${ticket.id}/messages`, token as string, body);
    }
    ctx.log(
      `  seeded a ${MESSAGES}-message conversation in ${fmt((performance.now() - seedStarted) / 1000, 1)} s`,
    );

    const { html, outdir } = await bundlePage(token as string);
    page = await servePage({ html, outdir, apiBaseUrl: s.url });
    const pageUrl = page.url;
    browser = await launchChromium();
    const b = browser;
    const fresh = async () => {
      const context = await b.newContext();
      const tab = await context.newPage();
      await tab.goto(pageUrl);
      await tab.getByRole('button', { name: 'Open help' }).waitFor({ timeout: 15_000 });
      return { context, tab };
    };
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < samples.open; i++) {
      const { context, tab } = await fresh();
      cold.push(
        await tab.evaluate(() => (window as unknown as { __openPanel(): Promise<number> }).__openPanel()),
      );
      await tab.keyboard.press('Escape');
      await tab
        .getByRole('dialog')
        .waitFor({ state: 'detached', timeout: 5_000 })
        .catch(() => {});
      warm.push(
        await tab.evaluate(() => (window as unknown as { __openPanel(): Promise<number> }).__openPanel()),
      );
      await context.close();
    }
    ctx.log(`  open: cold median ${fmt(median(cold), 0)} ms, warm median ${fmt(median(warm), 0)} ms`);
    const conversation: { ms: number; fetchedMs: number | null }[] = [];
    for (let i = 0; i < samples.conversation; i++) {
      const { context, tab } = await fresh();
      await tab.evaluate(() => (window as unknown as { __openPanel(): Promise<number> }).__openPanel());
      conversation.push(
        await tab.evaluate(
          ([id, count]) =>
            (
              window as unknown as {
                __openConversation(id: string, n: number): Promise<{ ms: number; fetchedMs: number | null }>;
              }
            ).__openConversation(id, count),
          [ticket.id, MESSAGES] as const,
        ),
      );
      await context.close();
    }
    const total = conversation.map((c) => c.ms);
    const fetched = conversation.flatMap((c) => (c.fetchedMs === null ? [] : [c.fetchedMs]));
    ctx.log(
      `  ${MESSAGES}-message conversation: median ${fmt(median(total), 0)} ms (fetched at ${fmt(median(fetched), 0)} ms)`,
    );
    const version = b.version();
    const row = (name: string, values: number[]) => [
      name,
      String(values.length),
      fmt(median(values), 0),
      fmt(percentile(values, 0.9), 0),
      fmt(Math.min(...values), 0),
      fmt(Math.max(...values), 0),
    ];
    const markdown = `**Method.** Chromium ${version} (Debian's, headless, through playwright-core) on a page that bundles the
drop-in \`<SupportWidget/>\` from the built \`@tierdesk/react\` with esbuild (minified, code-split: the
panel is a lazy chunk), served from loopback with the API (the server on PGlite, built \`@tierdesk/node\`)
proxied on the same origin. Times come from \`performance.now()\` inside the page, so Playwright's own
round trips are not in them.
- **Launcher click → panel interactive**: from \`click()\` on the launcher until the dialog's search box
  exists, is enabled and has the focus (the widget moves focus into the dialog when it is ready), checked
  on every DOM change and focus move. *Cold*: a new browser context each time (empty cache), so the click
  fetches the panel's chunk and opens the stream; *warm*: the same page after closing with Escape.
- **${MESSAGES}-message conversation**: a ticket with ${MESSAGES} public messages (customer and agent in turn), opened with
  the controller's \`openTicket()\` in a fresh context with the panel open, until ${MESSAGES} messages are in the
  thread's DOM; "fetched" is when its \`GET /v1/tickets/:id\` response ended (Resource Timing), so the rest
  is parsing, the widget machine and React rendering.

${table(
  ['measure', 'samples', 'median ms', 'p90 ms', 'min ms', 'max ms'],
  [
    row('launcher click → panel interactive, cold', cold),
    row('launcher click → panel interactive, warm', warm),
    row(`open a ${MESSAGES}-message conversation → all rendered`, total),
    row(`… of which until its response was fetched`, fetched),
  ],
)}

No target is set for these; they are tracked from run to run. For scale: a frame is 16.7 ms, and 100 ms is
the usual bound for a response to feel immediate.
`;
    return {
      title: 'Widget speed',
      markdown,
      met: [],
      missed: [],
      data: { cold, warm, conversation, chromium: version },
    };
  } finally {
    await browser?.close();
    await page?.close();
    await server?.stop();
  }
}
