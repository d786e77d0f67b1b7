import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../src/chromium.mjs';
import { buildDemoIfMissing, ROOT } from './demo.test-support';

// `npm run demo`'s runner as a child process, the way a person starts it: on free ports, with a clock
// 1200× faster, so a normal ticket's first-response warning (96 business minutes) fires in ~5 s.
// Over real sockets: the host app and its token endpoint, a ticket created with that token, the
// console and an agent key, the SLA warning and escalation printed, then Ctrl-C (SIGINT).

const RUNNER = resolve(ROOT, 'examples/demo/src/demo.mjs');

/**
 * A free port below the kernel's ephemeral range (32768+), so no port-0 listener of a test running
 * beside this one can be handed the same port between this check and the demo's own listen.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server: Server = createServer();
    const free = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => done(true));
    });
    if (free) {
      await new Promise<void>((done) => server.close(() => done()));
      return port;
    }
  }
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startRunner(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [RUNNER], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => out, exited };
}

async function waitForOutput(started: Started, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(started.output());
    if (match !== null) return match;
    if (started.child.exitCode !== null) throw new Error(`the demo exited early:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let ports: { api: number; host: number; console: number };
let demo: Started;

beforeAll(async () => {
  buildDemoIfMissing();
  ports = { api: await freePort(), host: await freePort(), console: await freePort() };
  demo = startRunner({
    TIERDESK_DEMO_API_PORT: String(ports.api),
    TIERDESK_DEMO_HOST_PORT: String(ports.host),
    TIERDESK_DEMO_CONSOLE_PORT: String(ports.console),
    TIERDESK_DEMO_CLOCK_SPEED: '1200',
  });
  await waitForOutput(demo, /SLA warnings, breaches and tier moves appear below/, 45_000);
}, 400_000);

afterAll(() => {
  if (demo?.child.exitCode === null) demo.child.kill('SIGKILL');
});

describe('npm run demo (examples/demo/src/demo.mjs)', () => {
  it('prints the three URLs, the end user and a login for each agent', () => {
    const out = demo.output();
    expect(out).toContain(`Tierdesk API    http://127.0.0.1:${ports.api}`);
    expect(out).toContain(`Widget host     http://127.0.0.1:${ports.host}`);
    expect(out).toContain(`Agent console   http://127.0.0.1:${ports.console}`);
    expect(out).toContain('Ada Lovelace <ada@example.com>, id user-ada');
    for (const agent of ['agent-lee', 'agent-kim', 'agent-sam']) {
      expect(out).toMatch(new RegExp(`agent ID ${agent} +API key tdk_\\S+`));
      expect(out).toContain(`http://127.0.0.1:${ports.console}/#agent=${agent}&key=tdk_`);
    }
    expect(out).toContain('Server clock: 1200× real time');
  });

  it('serves the widget host app, whose backend signs a token the API accepts (CORS included)', async () => {
    const host = `http://127.0.0.1:${ports.host}`;
    const page = await fetch(`${host}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`${host}${script}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    // The widget's launcher is in the app's bundle; the panel is a chunk of its own.
    expect(await bundle.text()).toContain('/api/support-token');
    // Paths the browser routes get the app; nothing outside dist/ is served.
    expect((await fetch(`${host}/settings/profile`)).status).toBe(200);
    expect((await fetch(`${host}/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${host}/assets/..%2f..%2fpackage.json`)).status).toBe(404);

    const session = (await (await fetch(`${host}/api/session`)).json()) as {
      user: { id: string };
      supportApiUrl: string;
    };
    expect(session.user.id).toBe('user-ada');
    expect(session.supportApiUrl).toBe(`http://127.0.0.1:${ports.api}`);
    expect((await fetch(`${host}/api/support-token`)).status).toBe(405);
    const issued = await fetch(`${host}/api/support-token`, { method: 'POST' });
    expect(issued.status).toBe(200);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    const { token, refreshInMs } = (await issued.json()) as { token: string; refreshInMs: number };
    expect(refreshInMs).toBeGreaterThan(10_000);

    const created = await fetch(`${session.supportApiUrl}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: host },
      body: JSON.stringify({ subject: 'Invoices export is empty', body: 'The CSV has no rows.' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('access-control-allow-origin')).toBe(host);
    const ticket = (await created.json()) as { requester: { id: string; name?: string } };
    expect(ticket.requester).toMatchObject({ id: 'user-ada', name: 'Ada Lovelace' });

    // The console's origin is allowed, also as localhost; a stranger's is not.
    const preflight = (origin: string) =>
      fetch(`${session.supportApiUrl}/v1/agent/tickets`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    expect(
      (await preflight(`http://localhost:${ports.console}`)).headers.get('access-control-allow-origin'),
    ).toBe(`http://localhost:${ports.console}`);
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the agent console, and the printed agent key reads the queue with that ticket', async () => {
    const consoleUrl = `http://127.0.0.1:${ports.console}`;
    const page = await fetch(`${consoleUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Tierdesk agent console</title>');
    const config = (await (await fetch(`${consoleUrl}/config.json`)).json()) as {
      apiUrl: string;
      clock: { speed: number };
    };
    expect(config).toMatchObject({ apiUrl: `http://127.0.0.1:${ports.api}`, clock: { speed: 1200 } });

    const key = /agent ID agent-lee +API key (tdk_\S+)/.exec(demo.output())?.[1];
    const queue = await fetch(`${config.apiUrl}/v1/agent/tickets`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(queue.status).toBe(200);
    const { items } = (await queue.json()) as { items: { subject: string }[] };
    expect(items.map((t) => t.subject)).toContain('Invoices export is empty');
    const wrong = await fetch(`${config.apiUrl}/v1/agent/tickets`, {
      headers: { authorization: `Bearer ${key?.slice(0, -2)}xx` },
    });
    expect(wrong.status).toBe(401);
  });

  it('runs the server on the faster clock: the first-response warning fires and escalates within seconds', async () => {
    // 96 business minutes at 1200× are under 5 real seconds (the clock starts inside business hours).
    await waitForOutput(demo, /#1 "Invoices export is empty": first_response SLA warning/, 20_000);
    await waitForOutput(
      demo,
      /#1 "Invoices export is empty": tier L\d → L\d \(first response at risk; rule warn-to-l2\)/,
      5_000,
    );
  }, 30_000);

  it('in Chromium: Ada opens a ticket from the host page; Lee signs in from the printed link and opens it', async () => {
    const browser = await launchChromium();
    const errors: string[] = [];
    try {
      const host = await browser.newPage();
      host.setDefaultTimeout(10_000);
      host.on('pageerror', (error) => errors.push(error.message));
      await host.goto(`http://127.0.0.1:${ports.host}/`);
      await host.getByText('Signed in as Ada Lovelace').waitFor();
      await host.getByRole('button', { name: 'Report a problem with the export' }).click();
      const dialog = host.getByRole('dialog', { name: 'Help' });
      expect(await dialog.getByRole('textbox', { name: 'Subject' }).inputValue()).toBe(
        'The invoice export is disabled',
      );
      await dialog.getByRole('button', { name: 'Send request' }).click();
      await dialog.getByText(/Reply due/).waitFor();

      const login = /(http:\/\/127\.0\.0\.1:\d+\/#agent=agent-lee&key=tdk_\S+)/.exec(demo.output())?.[1];
      const agentPage = await browser.newPage();
      agentPage.setDefaultTimeout(10_000);
      agentPage.on('pageerror', (error) => errors.push(error.message));
      await agentPage.goto(login ?? 'about:blank');
      await agentPage.getByText('Signed in as Lee (L1)').waitFor();
      // The key left the address bar at once.
      expect(agentPage.url()).toBe(`http://127.0.0.1:${ports.console}/`);
      const queue = agentPage.getByRole('table', { name: 'Queue' });
      await queue.getByRole('button', { name: /The invoice export is disabled/ }).click();
      await agentPage.getByRole('heading', { level: 2, name: /The invoice export is disabled/ }).waitFor();
      // The open ticket is in the address, so a reload (the session is the tab's) opens it again.
      expect(agentPage.url()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${ports.console}/\\?ticket=tkt_`));
      await agentPage.reload();
      await agentPage.getByRole('heading', { level: 2, name: /The invoice export is disabled/ }).waitFor();

      // Signing out drops the open ticket from the address and shows the form; a wrong key is refused in words, Kim's printed key signs her in.
      await agentPage.getByRole('button', { name: 'Sign out' }).click();
      const form = agentPage.getByRole('form', { name: 'Sign in' });
      await form.waitFor();
      expect(agentPage.url()).toBe(`http://127.0.0.1:${ports.console}/`);
      await form.getByLabel('Agent ID').fill('agent-kim');
      await form.getByLabel('API key').fill('tdk_not_a_key');
      await form.getByRole('button', { name: 'Sign in' }).click();
      await form.getByRole('alert').getByText('That API key was not accepted.').waitFor();
      const kimKey = /agent ID agent-kim +API key (tdk_\S+)/.exec(demo.output())?.[1] ?? '';
      await form.getByLabel('API key').fill(kimKey);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await agentPage.getByText('Signed in as Kim (L2)').waitFor();
      await agentPage.getByRole('table', { name: 'Queue' }).waitFor();
      // A sign-in link opened in the tab that already shows the console (only the fragment changes).
      const samLink = /(http:\/\/127\.0\.0\.1:\d+\/#agent=agent-sam&key=tdk_\S+)/.exec(demo.output())?.[1];
      await agentPage.goto(samLink ?? 'about:blank');
      await agentPage.getByText('Signed in as Sam (L3)').waitFor();
      expect(agentPage.url()).toBe(`http://127.0.0.1:${ports.console}/`);
    } finally {
      await browser.close();
    }
    expect(errors).toEqual([]);
  }, 45_000);

  it('fails at once with a clear message when a port is taken', async () => {
    const second = startRunner({
      TIERDESK_DEMO_API_PORT: String(ports.api),
      TIERDESK_DEMO_HOST_PORT: String(await freePort()),
      TIERDESK_DEMO_CONSOLE_PORT: String(await freePort()),
    });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(
      `Port ${ports.api} on 127.0.0.1, for the Tierdesk API, is already in use. Stop what uses it, or set TIERDESK_DEMO_API_PORT to a free port.`,
    );
  });

  it('stops cleanly on SIGTERM while still starting: the start finishes, then everything closes', async () => {
    const early = startRunner({
      TIERDESK_DEMO_API_PORT: String(await freePort()),
      TIERDESK_DEMO_HOST_PORT: String(await freePort()),
      TIERDESK_DEMO_CONSOLE_PORT: String(await freePort()),
    });
    await waitForOutput(early, /Starting the Tierdesk demo/, 10_000);
    early.child.kill('SIGTERM');
    expect(await early.exited, early.output()).toBe(0);
    expect(early.output()).toContain('SIGTERM: stopping the demo…');
    expect(early.output()).toContain('Stopped.');
    expect(early.output()).not.toContain('Tierdesk demo is running');
  }, 30_000);

  it('stops cleanly on SIGINT: exit code 0 within a few seconds, ports released', async () => {
    const started = Date.now();
    demo.child.kill('SIGINT');
    expect(await demo.exited, demo.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(demo.output()).toContain('SIGINT: stopping the demo…');
    expect(demo.output()).toContain('Stopped.');
    await expect(fetch(`http://127.0.0.1:${ports.api}/healthz`)).rejects.toThrow();
  });
});
