import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const PACKAGE = resolve(import.meta.dirname, '..');
const BIN = join(PACKAGE, 'bin/tierdesk.mjs');

/** Starts `tierdesk …` and resolves once it printed its URL (and, with --seed, its credentials). */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  if (!existsSync(join(PACKAGE, 'dist/cli.js'))) {
    throw new Error(
      'packages/node/dist/cli.js is missing: run `npm run build` before the CLI test (CI does).',
    );
  }
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PACKAGE, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`the CLI did not start in time:\n${out}`)), 30_000);
    const check = () => {
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const seeded = !args.includes('--seed') || out.includes('end user user-ada');
      if (url !== undefined && seeded) {
        clearTimeout(timer);
        resolvePromise({ child, url, output: () => out });
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the CLI exited with ${code}:\n${out}`));
    });
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) resolvePromise(child.exitCode);
    child.once('exit', (code) => resolvePromise(code));
    child.kill(signal);
  });
}

describe('tierdesk serve (the CLI, built)', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('serves the seeded demo workspace with the printed credentials and stops cleanly on SIGTERM', async () => {
    const { child, url, output } = await startCli(['serve', '--port', '0', '--seed']);
    children.push(child);
    const agentKey = /agent agent-lee: Authorization: Bearer (\S+)/.exec(output())?.[1];
    const userToken = /end user user-ada \(12 h\): Authorization: Bearer (\S+)/.exec(output())?.[1];
    expect(agentKey).toMatch(/^tdk_/);
    const search = await fetch(`${url}/v1/articles/search?q=password`, {
      headers: { authorization: `Bearer ${userToken}` },
    });
    expect(search.status).toBe(200);
    expect(((await search.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const created = await fetch(`${url}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'CLI works?', body: 'Checking.' }),
    });
    expect(created.status).toBe(201);
    const queue = await fetch(`${url}/v1/agent/tickets`, {
      headers: { authorization: `Bearer ${agentKey}` },
    });
    expect(((await queue.json()) as { items: unknown[] }).items).toHaveLength(1);
    expect(await stop(child)).toBe(0);
    expect(output()).toContain('SIGTERM: shutting down');
  }, 60_000);

  it('keeps data across restarts with --data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tierdesk-cli-'));
    dirs.push(dir);
    const first = await startCli(['serve', '--port', '0', '--seed', '--data', dir]);
    children.push(first.child);
    const token = /end user user-ada \(12 h\): Authorization: Bearer (\S+)/.exec(first.output())?.[1];
    const created = await fetch(`${first.url}/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Persisted', body: 'Still here after a restart?' }),
    });
    expect(created.status).toBe(201);
    expect(await stop(first.child, 'SIGINT')).toBe(0);

    const second = await startCli(['serve', '--port', '0', '--seed', '--data', dir]);
    children.push(second.child);
    const agentKey = /agent agent-lee: Authorization: Bearer (\S+)/.exec(second.output())?.[1];
    const queue = await fetch(`${second.url}/v1/agent/tickets`, {
      headers: { authorization: `Bearer ${agentKey}` },
    });
    const items = ((await queue.json()) as { items: { subject: string }[] }).items;
    expect(items.map((t) => t.subject)).toEqual(['Persisted']);
    expect(await stop(second.child)).toBe(0);
  }, 90_000);

  it('prints usage and exits 2 on unknown options', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--bogus'], { cwd: PACKAGE });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('Usage: tierdesk serve');
  });
});
