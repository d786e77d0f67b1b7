import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';

const PACKAGE = resolve(import.meta.dirname, '..');
const TEST_DATABASE_URL = process.env.TIERDESK_TEST_DATABASE_URL;

/** The URL with a libpq `options` parameter that makes `schema` the search_path of every connection. */
function withSearchPath(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}
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

  it.skipIf(!TEST_DATABASE_URL)(
    'keeps data in PostgreSQL across restarts with --database-url (schema chosen by options=-c search_path)',
    async () => {
      const schema = `td_cli_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA "${schema}"`);
        const url = withSearchPath(TEST_DATABASE_URL as string, schema);

        const first = await startCli(['serve', '--port', '0', '--seed', '--database-url', url]);
        children.push(first.child);
        const token = /end user user-ada \(12 h\): Authorization: Bearer (\S+)/.exec(first.output())?.[1];
        const created = await fetch(`${first.url}/v1/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ subject: 'Persisted in Postgres', body: 'Still here after a restart?' }),
        });
        expect(created.status).toBe(201);
        const ticketId = ((await created.json()) as { id: string }).id;
        expect(await stop(first.child)).toBe(0);

        // The tables and the ticket are in the schema the URL named, not in the default one.
        const { rows } = await admin.query<{ subject: string }>(
          `SELECT data->>'subject' AS subject FROM "${schema}".tickets WHERE id = $1`,
          [ticketId],
        );
        expect(rows).toEqual([{ subject: 'Persisted in Postgres' }]);

        const second = await startCli(['serve', '--port', '0', '--seed', '--database-url', url]);
        children.push(second.child);
        const agentKey = /agent agent-lee: Authorization: Bearer (\S+)/.exec(second.output())?.[1];
        const queue = await fetch(`${second.url}/v1/agent/tickets`, {
          headers: { authorization: `Bearer ${agentKey}` },
        });
        expect(queue.status).toBe(200);
        const items = ((await queue.json()) as { items: { id: string; subject: string }[] }).items;
        expect(items.map((t) => [t.id, t.subject])).toEqual([[ticketId, 'Persisted in Postgres']]);
        expect(await stop(second.child)).toBe(0);
      } finally {
        for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      }
    },
    90_000,
  );

  it.skipIf(!TEST_DATABASE_URL)(
    'fails to start, saying why, when the search_path names a schema that does not exist',
    async () => {
      const missing = `td_cli_missing_${randomBytes(6).toString('hex')}`;
      const url = withSearchPath(TEST_DATABASE_URL as string, missing);
      const error = await startCli(['serve', '--port', '0', '--database-url', url]).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/exited with [1-9]/);
      expect(error?.message).toMatch(/search_path|schema/i);
    },
    60_000,
  );

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
