// Item 1: 1,000 concurrent ticket creations with idempotency keys while the server is SIGKILLed and
// restarted several times, clients retrying: none lost, none duplicated, every replay identical.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import {
  createPgliteDatabase,
  type SqlDatabase,
  signIdentityToken,
  type TierdeskOptions,
} from '@tierdesk/node';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createOwnDatabase, TEST_DATABASE_URL } from './support/own-database';
import { AttemptLog, type RetriedAnswer, sendWithRetries } from './support/retrying-client';
import { killServerProcesses, type ServerProcess, startServerProcess } from './support/server-process';

const TICKETS = 1_000;
const USERS = 50;
const KILLS = 3;
const WORKSPACE = 'rel01';

function serverOptions(store: TierdeskOptions['store'], identitySecret: string): TierdeskOptions {
  return {
    store,
    workspaces: [{ id: WORKSPACE, name: 'Crash test', identitySecret }],
    serverSecret: 'reliability-01-server-secret-0123456789',
    // The Tier 0 assistant and the per-identity rate limit are other suites' business: every request
    // here is a write the crash may cut.
    assistant: false,
    limits: { rateLimit: false },
  };
}

interface StoredTicket {
  id: string;
  subject: string;
}

async function crashRun(
  kind: 'pglite' | 'postgres',
  store: TierdeskOptions['store'],
  readTickets: () => Promise<StoredTicket[]>,
): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  const options = serverOptions(store, secret);
  const tokens = await Promise.all(
    Array.from({ length: USERS }, (_, u) =>
      signIdentityToken({ userId: `user-${u}`, workspaceId: WORKSPACE }, secret, { expiresInSeconds: 3600 }),
    ),
  );
  const run = randomBytes(4).toString('hex');
  const requests = Array.from({ length: TICKETS }, (_, i) => ({
    key: `rel01-${run}-${i}`,
    token: tokens[i % USERS] as string,
    body: JSON.stringify({
      subject: `Crash test ${run} #${i}`,
      body: `Ticket ${i} written while the server dies.`,
    }),
  }));

  let server: ServerProcess = await startServerProcess(options);
  const port = server.port;
  const url = () => `http://127.0.0.1:${port}`;
  const log = new AttemptLog();
  let done = 0;
  const startedAt = performance.now();
  const send = (r: (typeof requests)[number]) =>
    sendWithRetries(
      url,
      '/v1/tickets',
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${r.token}`,
          'content-type': 'application/json',
          'idempotency-key': r.key,
        },
        body: r.body,
      },
      log,
    );
  const all = Promise.all(
    requests.map(async (r) => {
      const answer = await send(r);
      done += 1;
      return answer;
    }),
  );

  // Kill while writes are in flight: at about a quarter, half and three quarters of the answers.
  let kills = 0;
  const restartMs: number[] = [];
  for (let k = 1; k <= KILLS; k++) {
    const threshold = Math.floor((TICKETS * k) / (KILLS + 1));
    while (done < threshold) await sleep(5);
    await sleep(Math.random() * 20);
    await server.kill();
    kills += 1;
    const restartStarted = performance.now();
    server = await startServerProcess(options, { port });
    restartMs.push(Math.round(performance.now() - restartStarted));
  }
  const firstAnswers: RetriedAnswer[] = await all;
  const writeMs = Math.round(performance.now() - startedAt);

  // Every request ended in 201, by its first run or by a replay of it after a lost answer.
  const statuses = new Map<number, number>();
  for (const a of firstAnswers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  expect([...statuses.entries()]).toEqual([[201, TICKETS]]);

  // Replays: the same key and body again answer the identical body, marked as a replay.
  // (The stored answer is JSON in a jsonb column, so key order may differ from the first answer's
  // text: compared as JSON values.)
  const replays = await Promise.all(requests.map((r) => send(r)));
  let identical = 0;
  replays.forEach((replay, i) => {
    const first = firstAnswers[i] as RetriedAnswer;
    if (
      replay.status === first.status &&
      replay.replayed &&
      isDeepStrictEqual(JSON.parse(replay.body), JSON.parse(first.body))
    ) {
      identical += 1;
    }
  });
  await server.stop();

  const ids = firstAnswers.map((a) => (JSON.parse(a.body) as { id: string }).id);
  const stored = (await readTickets()).filter((t) => t.subject.startsWith(`Crash test ${run} `));
  const storedIds = new Set(stored.map((t) => t.id));
  const lost = ids.filter((id) => !storedIds.has(id)).length;
  const perSubject = new Map<string, number>();
  for (const t of stored) perSubject.set(t.subject, (perSubject.get(t.subject) ?? 0) + 1);
  const duplicated = [...perSubject.values()].reduce((sum, n) => sum + (n - 1), 0);
  const replayedFirst = firstAnswers.filter((a) => a.replayed).length;
  const retried = firstAnswers.filter((a) => a.attempts > 1).length;

  console.log(
    `[reliability 01] ${kind}: ${TICKETS} creations, ${kills} SIGKILLs (restarts ${restartMs.join('/')} ms), ` +
      `${writeMs} ms; stored ${stored.length}, lost ${lost}, duplicated ${duplicated}; ` +
      `${retried} requests retried, ${replayedFirst} answered by a replay after a lost answer; ` +
      `replays identical ${identical}/${TICKETS}; attempts: ${log.summary()}`,
  );
  expect(kills).toBe(KILLS);
  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
  expect(stored).toHaveLength(TICKETS);
  expect(new Set(ids).size).toBe(TICKETS);
  expect(identical).toBe(TICKETS);
  // A killed server shows as refused or reset connections, never as a server error.
  expect(log.count(500)).toBe(0);
}

describe('reliability 01: SIGKILL during 1,000 concurrent idempotent ticket creations', () => {
  afterEach(killServerProcesses, 30_000);
  it('PGlite with a data directory: 0 lost, 0 duplicated, replays identical', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tierdesk-rel01-'));
    try {
      await crashRun('pglite', { kind: 'pglite', dataDir }, async () => {
        const db: SqlDatabase = await createPgliteDatabase({ dataDir });
        try {
          const { rows } = await db.query<{ id: string; subject: string }>(
            "SELECT id, data->>'subject' AS subject FROM tickets WHERE workspace_id = $1",
            [WORKSPACE],
          );
          return rows;
        } finally {
          await db.close();
        }
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it.skipIf(TEST_DATABASE_URL === undefined)(
    'PostgreSQL: 0 lost, 0 duplicated, replays identical',
    async () => {
      const own = await createOwnDatabase(TEST_DATABASE_URL as string, 'td_rel01');
      try {
        await crashRun('postgres', { kind: 'postgres', connectionString: own.url }, async () => {
          const client = new pg.Client({ connectionString: own.url });
          await client.connect();
          try {
            const { rows } = await client.query<StoredTicket>(
              "SELECT id, data->>'subject' AS subject FROM tickets WHERE workspace_id = $1",
              [WORKSPACE],
            );
            return rows;
          } finally {
            await client.end();
          }
        });
      } finally {
        await own.drop();
      }
    },
    150_000,
  );
});
