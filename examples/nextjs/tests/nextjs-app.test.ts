import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The example as a user runs it: the packages' built dist (what an app installs), `next build` (which
// prerenders the page: the widget's entries must import and render on the server without a window),
// `next start`, and a real Tierdesk server from the `tierdesk serve --seed` CLI. Then Chromium opens
// the page and uses the widget against that server.

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(exampleDir, '../..');
const nextBin = join(repoRoot, 'node_modules/next/dist/bin/next');
const tierdeskBin = join(repoRoot, 'packages/node/bin/tierdesk.mjs');
const IDENTITY_SECRET = 'nextjs-example-identity-secret-0123456789-abcdef';
const CHROMIUM_PATH = process.env.TIERDESK_CHROMIUM ?? '/usr/bin/chromium';
const BUILD_TIMEOUT_MS = 8 * 60_000;

const run = promisify(execFile);
const children: ChildProcess[] = [];
let tierdeskUrl: string;
let agentKey: string;
let appUrl: string;
let buildOutput: string;
let buildMs: number;

/** A port nobody listens on right now (the CORS origin must be known before the app starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Starts a long-running process in its own group and resolves once its output matches `ready`. */
function start(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs: number },
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${output}`)), options.timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.ready.test(output)) {
        clearTimeout(timer);
        resolvePromise({ child, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    process.kill(-child.pid!, 'SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }, 10_000).unref();
  });
}

beforeAll(
  async () => {
    // What an app installs is the build: make sure it is there (CI builds before it tests).
    const dists = ['core/dist/index.js', 'react/dist/widget.js', 'react/dist/styles.css', 'node/dist/cli.js'];
    if (!dists.every((file) => existsSync(join(repoRoot, 'packages', file)))) {
      await run(
        'npm',
        ['run', 'build', '-w', '@tierdesk/core', '-w', '@tierdesk/react', '-w', '@tierdesk/node'],
        {
          cwd: repoRoot,
          maxBuffer: 64 * 1024 * 1024,
        },
      );
    }

    const appPort = await freePort();
    appUrl = `http://127.0.0.1:${appPort}`;
    // vitest runs with NODE_ENV=test; Next builds and serves in production mode.
    const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };

    // The Tierdesk server exactly as the README starts it, allowing the app's origin.
    const tierdesk = await start([tierdeskBin, 'serve', '--seed', '--port', '0', '--cors', appUrl], {
      cwd: repoRoot,
      env: { ...env, TIERDESK_DEMO_SECRET: IDENTITY_SECRET },
      ready: /end user user-ada/,
      timeoutMs: 60_000,
    });
    tierdeskUrl = /Tierdesk API listening on (http:\/\/\S+)/.exec(tierdesk.output())?.[1] as string;
    agentKey = /agent agent-lee: Authorization: Bearer (tdk_\S+)/.exec(tierdesk.output())?.[1] as string;
    expect(tierdeskUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(agentKey).toMatch(/^tdk_/);

    const startedAt = Date.now();
    const build = await run(process.execPath, [nextBin, 'build'], {
      cwd: exampleDir,
      env: { ...env, NEXT_PUBLIC_TIERDESK_URL: tierdeskUrl },
      maxBuffer: 64 * 1024 * 1024,
      timeout: BUILD_TIMEOUT_MS,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      // Next prints type and prerender errors on stdout, which the rejection's message leaves out.
      throw new Error(`next build failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    buildMs = Date.now() - startedAt;
    buildOutput = `${build.stdout}\n${build.stderr}`;
    console.info(`next build took ${(buildMs / 1000).toFixed(1)} s`);

    await start([nextBin, 'start', '--port', String(appPort), '--hostname', '127.0.0.1'], {
      cwd: exampleDir,
      env: { ...env, TIERDESK_IDENTITY_SECRET: IDENTITY_SECRET },
      ready: /Ready in/,
      timeoutMs: 60_000,
    });
  },
  BUILD_TIMEOUT_MS + 3 * 60_000,
);

afterAll(async () => {
  await Promise.all(children.map(stop));
});

describe('the Next.js example', () => {
  it('builds, prerendering the page with the widget as static HTML', () => {
    expect(buildOutput).toMatch(/○ \/\s/);
    expect(buildOutput).toMatch(/ƒ \/api\/tierdesk-token/);
    const prerendered = readFileSync(join(exampleDir, '.next/server/app/index.html'), 'utf8');
    expect(prerendered).toContain('class="td-launcher"');
    expect(buildMs).toBeGreaterThan(0);
  });

  it('serves the page with the launcher server-rendered, closed, before any script runs', async () => {
    const res = await fetch(appUrl);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Acme Analytics</h1>');
    const launcher = /<button[^>]*class="td-launcher"[^>]*>/.exec(html)?.[0] ?? '';
    expect(launcher).toContain('aria-label="Open help"');
    expect(launcher).toContain('aria-expanded="false"');
    expect(html).toMatch(/<div[^>]*class="td-root td-widget"/);
    expect(html).not.toContain('role="dialog"'); // the panel is lazy: browser only, on open
  });

  it('signs the signed-in user’s identity token on the server, and the Tierdesk server accepts it', async () => {
    const res = await fetch(`${appUrl}/api/tierdesk-token`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { token } = (await res.json()) as { token: string };
    const mine = await fetch(`${tierdeskUrl}/v1/tickets`, { headers: { authorization: `Bearer ${token}` } });
    expect(mine.status).toBe(200);
    const forged = await fetch(`${tierdeskUrl}/v1/tickets`, {
      headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
    expect((await fetch(`${appUrl}/api/tierdesk-token`)).status).toBe(405);
  });

  describe('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      if (!existsSync(CHROMIUM_PATH)) {
        throw new Error(
          `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set TIERDESK_CHROMIUM`,
        );
      }
      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('hydrates without errors, opens the widget, finds an article and opens a ticket on the Tierdesk server', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error')
          problems.push(`console: ${message.text()} (${message.location().url})`);
      });
      const deflectionStatuses: number[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('/v1/deflections')) deflectionStatuses.push(response.status());
        if (response.status() >= 400)
          problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
      });
      await page.goto(appUrl);

      const launcher = page.getByRole('button', { name: 'Open help' });
      await launcher.click();
      const dialog = page.getByRole('dialog', { name: 'Help' });
      await dialog.waitFor();
      await dialog.getByRole('searchbox', { name: 'Search help articles' }).fill('password');
      await dialog.getByRole('button', { name: /Resetting your password/ }).waitFor();

      await dialog.getByRole('button', { name: 'Contact support' }).click();
      await dialog.getByRole('textbox', { name: 'Subject' }).fill('Sent from the Next.js app');
      await dialog.getByRole('textbox', { name: 'How can we help?' }).fill('The export button does nothing.');
      await dialog.getByRole('button', { name: 'Send request' }).click();
      await dialog.getByRole('heading', { level: 3, name: 'Sent from the Next.js app' }).waitFor();
      // The widget sends its self-service steps (the search, the suggestions) in batches a second apart.
      await page.waitForTimeout(1_500);
      expect(deflectionStatuses.length).toBeGreaterThan(0);
      expect(deflectionStatuses.every((status) => status === 202)).toBe(true);

      // The ticket is on the Tierdesk server, from the user the app's route signed for.
      const queue = await fetch(`${tierdeskUrl}/v1/agent/tickets?q=${encodeURIComponent('Next.js app')}`, {
        headers: { authorization: `Bearer ${agentKey}` },
      });
      const { items } = (await queue.json()) as {
        items: { subject: string; requester: { id: string; name?: string } }[];
      };
      expect(items.find((t) => t.subject === 'Sent from the Next.js app')).toMatchObject({
        requester: { id: 'user-ada', name: 'Ada Lovelace' },
      });
      expect(problems).toEqual([]);
      await page.close();
    }, 60_000);
  });
});
