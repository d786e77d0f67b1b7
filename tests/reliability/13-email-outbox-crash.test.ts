// Item 13: the email outbox across crashes. Notification mails are committed with the ticket
// change and sent after COMMIT, so a crash may neither lose nor invent one:
// 1. killed before sending (the mail server refused every connection): after the restart every mail
//    goes out exactly once;
// 2. killed after the mail server took a mail, before the server recorded it: that mail, and only that
//    one, is sent once more with the same Message-ID (at least once; receivers dedupe on it);
// 3. a change that is refused (a stale If-Match, 412; a reply to a closed ticket, 409) writes no
//    outbox row and sends nothing.
// On PGlite with a data directory and on PostgreSQL; the server runs in a child process killed with
// SIGKILL, the mail server is a real SMTP server on loopback (smtp-server).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createApiKey,
  createPgliteDatabase,
  createPostgresDatabase,
  type SqlDatabase,
  signIdentityToken,
  type TierdeskOptions,
} from '@tierdesk/node';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createOwnDatabase, TEST_DATABASE_URL } from './support/own-database';
import { killServerProcesses, type ServerProcess, startServerProcess } from './support/server-process';

const WORKSPACE = 'rel13';
const AGENT = 'agent-rel13';
const REPLY_DOMAIN = 'replies.rel13.test';
const TICKETS = 6;
// In case 2 the mail server SIGKILLs the Tierdesk server on taking these mails (counted from the start
// of the case, resends included).
const KILL_AFTER_ACCEPT = new Set([2, 4]);
const REFUSED_TEXT = 'REFUSED-R13 must never be mailed';

interface Received {
  messageId: string;
  subject: string;
  text: string;
  html: string;
  replyTo: string;
  inReplyTo: string;
}

/**
 * A local SMTP server. While `refusing`, every connection is answered 421 (the mail server is down for
 * the dispatcher, which retries); otherwise each mail is recorded, handed to `beforeOk`, and answered 250.
 */
async function startMailServer() {
  const received: Received[] = [];
  const state = {
    refusing: true,
    refusedConnections: 0,
    beforeOk: async (_mail: Received): Promise<void> => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (!state.refusing) return callback();
      state.refusedConnections += 1;
      callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            const mail: Received = {
              messageId: parsed.messageId ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              replyTo: parsed.replyTo?.text ?? '',
              inReplyTo: parsed.inReplyTo ?? '',
            };
            received.push(mail); // the mail is the receiver's now
            return state.beforeOk(mail).then(() => callback());
          },
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function countById(mails: readonly Received[]): Map<string, Received[]> {
  const copies = new Map<string, Received[]>();
  for (const mail of mails) copies.set(mail.messageId, [...(copies.get(mail.messageId) ?? []), mail]);
  return copies;
}

type OutboxRow = {
  delivered: boolean;
  attempts: number;
  payload_text: string;
};

async function crashRun(
  kind: 'pglite' | 'postgres',
  store: TierdeskOptions['store'],
  // The database, opened only while no server process runs (PGlite has one owner at a time).
  openDb: () => Promise<SqlDatabase>,
): Promise<void> {
  const startedAt = performance.now();
  const mailServer = await startMailServer();
  const secret = randomBytes(32).toString('base64url');
  const options: TierdeskOptions = {
    store,
    workspaces: [
      {
        id: WORKSPACE,
        name: 'Email outbox crash test',
        identitySecret: secret,
        agents: [{ id: AGENT, name: 'Rel 13', tiers: [1, 2] }],
      },
    ],
    serverSecret: 'reliability-13-server-secret-0123456789',
    assistant: false,
    limits: { rateLimit: false },
    email: {
      from: 'Support <support@rel13.test>',
      replyDomain: REPLY_DOMAIN,
      tokenSecret: 'reliability-13-email-token-secret-0123456789',
      smtp: { host: '127.0.0.1', port: mailServer.port, secure: false },
      appUrl: 'https://app.rel13.test/help',
      publicUrl: 'https://api.rel13.test',
      // Retries every ~0.25 s while the mail server refuses, never giving up within the test.
      retrySchedule: Array.from({ length: 400 }, () => 250),
    },
  };
  const withDb = async <T>(fn: (db: SqlDatabase) => Promise<T>): Promise<T> => {
    const db = await openDb();
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  const readOutbox = async (db: SqlDatabase) => ({
    rows: (
      await db.query<OutboxRow>(
        `SELECT delivered_at IS NOT NULL AS delivered, attempts, payload::text AS payload_text
           FROM outbox WHERE topic = 'email' ORDER BY id`,
      )
    ).rows,
    notifications: (
      await db.query<{ id: string; sent: boolean }>(
        'SELECT id, sent_at IS NOT NULL AS sent FROM email_notifications ORDER BY seq',
      )
    ).rows,
  });
  const messageIdOf = (notificationId: string) => `<notif-${notificationId}@${REPLY_DOMAIN}>`;
  // A killed process's claims hold their rows for the lease (2 minutes); this ends them now, as the
  // passing of those minutes would.
  const endLeases = (db: SqlDatabase) =>
    db.query(`UPDATE outbox SET available_at = now() WHERE topic = 'email' AND delivered_at IS NULL`);
  const waitFor = async (done: () => boolean, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!done()) {
      if (Date.now() > deadline) {
        throw new Error(`${what}: ${countById(mailServer.received).size} distinct mails arrived`);
      }
      await sleep(50);
    }
  };

  let server: ServerProcess | undefined;
  let kills = 0;
  try {
    // The first start migrates and seeds the agent; its API key is written while no server runs.
    server = await startServerProcess(options);
    await server.stop();
    const { key: agentKey } = await withDb((db) =>
      createApiKey(db, { workspaceId: WORKSPACE, agentId: AGENT }),
    );
    server = await startServerProcess(options);
    const port = server.port;
    const post = async (path: string, token: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { id: string; version: number } };
    };
    const reply = (ticketId: string, text: string, headers: Record<string, string> = {}) =>
      post(`/v1/agent/tickets/${ticketId}/messages`, agentKey, { body: text }, headers);

    // ——— Case 1: killed before sending. The mail server refuses every connection while six tickets
    // get an agent reply each: six mails committed, every attempt refused. Then SIGKILL.
    const tokens: string[] = [];
    const tickets: { id: string; version: number }[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const token = await signIdentityToken(
        { userId: `rel13-user-${i}`, workspaceId: WORKSPACE, email: `user${i}@example.com` },
        secret,
        { expiresInSeconds: 3600 },
      );
      tokens.push(token);
      const created = await post('/v1/tickets', token, { subject: `Export #${i} fails`, body: 'Empty CSV' });
      expect(created.status).toBe(201);
      const answered = await reply(created.body.id, `Fixed for ticket ${i}, please retry.`);
      expect(answered.status).toBe(201);
      tickets.push(answered.body);
    }
    await sleep(1_000); // attempts against the refusing mail server
    await server.kill();
    kills += 1;
    const beforeSending = await withDb(async (db) => {
      const outbox = await readOutbox(db);
      await endLeases(db);
      return outbox;
    });
    // Six mails committed, none delivered, each tried (and refused).
    expect(beforeSending.rows).toHaveLength(TICKETS);
    expect(beforeSending.rows.filter((r) => r.delivered)).toEqual([]);
    expect(beforeSending.rows.every((r) => r.attempts >= 1)).toBe(true);
    expect(beforeSending.notifications.filter((n) => n.sent)).toEqual([]);
    expect(mailServer.received).toEqual([]);
    const refusedBeforeKill = mailServer.state.refusedConnections;
    const case1Ids = new Set(beforeSending.notifications.map((n) => messageIdOf(n.id)));
    expect(case1Ids.size).toBe(TICKETS);

    // The mail server is back; the restarted server sends the six, each exactly once.
    mailServer.state.refusing = false;
    server = await startServerProcess(options, { port });
    await waitFor(() => countById(mailServer.received).size >= TICKETS, 'case 1');
    await sleep(1_500); // a stray second copy would arrive within this
    const case1Copies = countById(mailServer.received);
    expect(new Set(case1Copies.keys())).toEqual(case1Ids);
    expect([...case1Copies.values()].map((list) => list.length)).toEqual(Array(TICKETS).fill(1));
    const case1Mails = mailServer.received.length;
    console.log(
      `[reliability 13] ${kind} case 1 (killed before sending): ${TICKETS} notifications committed while the mail server refused ${refusedBeforeKill} connections, 1 SIGKILL; after the restart ${case1Mails} mails, ${case1Copies.size} distinct Message-IDs, 0 resent`,
    );

    // ——— Case 2: killed after the mail server took the mail. Six more replies are committed while the
    // mail server refuses; then it accepts, and on taking the 2nd and 4th mail of this case it SIGKILLs
    // the server and only then answers 250. The mail is delivered, the server never learns it: the
    // window between a mail server's OK and the recording, made certain (killing right after the 250
    // races the recording, and on a busy machine the recording sometimes wins).
    mailServer.state.refusing = true;
    for (const [i, ticket] of tickets.entries()) {
      const answered = await reply(ticket.id, `Second answer for ticket ${i}: a new export is attached.`);
      expect(answered.status).toBe(201);
      tickets[i] = answered.body;
    }
    // Message-ID → how often the server was killed after the mail server took that mail.
    const killedAfter = new Map<string, number>();
    let accepted = 0;
    let current: ServerProcess | undefined = server;
    mailServer.state.beforeOk = async (mail) => {
      accepted += 1;
      if (!KILL_AFTER_ACCEPT.has(accepted) || current === undefined) return;
      killedAfter.set(mail.messageId, (killedAfter.get(mail.messageId) ?? 0) + 1);
      await current.kill();
    };
    const case2From = mailServer.received.length;
    const case2Mails = () => mailServer.received.slice(case2From);
    // Done once every notification arrived and each mail cut off by a kill arrived once more after it.
    const case2Done = () => {
      const copies = countById(case2Mails());
      return (
        copies.size >= TICKETS &&
        [...killedAfter].every(([id, times]) => (copies.get(id)?.length ?? 0) > times)
      );
    };
    mailServer.state.refusing = false;
    let case2Kills = 0;
    for (;;) {
      const exited = new Promise<'killed'>((done) => current?.child.once('exit', () => done('killed')));
      const outcome = await Promise.race([exited, waitFor(case2Done, 'case 2').then(() => 'done')]);
      if (outcome === 'done') break;
      case2Kills += 1;
      current = undefined;
      await withDb(endLeases);
      current = await startServerProcess(options, { port });
    }
    server = current;
    await sleep(1_500); // a stray resend would arrive within this
    kills += case2Kills;
    const case2Copies = countById(case2Mails());
    const case2Resends = case2Mails().length - case2Copies.size;
    console.log(
      `[reliability 13] ${kind} case 2 (killed after the mail server took a mail): ${TICKETS} notifications, ${case2Kills} SIGKILLs after the mail server took a mail (of ${killedAfter.size} distinct mails); ${case2Mails().length} mails, ${case2Copies.size} distinct Message-IDs, ${case2Resends} resends with the same Message-ID`,
    );
    expect(case2Kills).toBe(KILL_AFTER_ACCEPT.size);
    expect(case2Copies.size).toBe(TICKETS);
    expect([...case2Copies.keys()].filter((id) => case1Ids.has(id))).toEqual([]);
    // A mail went out once more for each time the server died after handing it over, every other
    // exactly once; a resend is the same mail (the outbox
    // holds the finished message).
    for (const [id, list] of case2Copies)
      expect([id, list.length]).toEqual([id, 1 + (killedAfter.get(id) ?? 0)]);
    expect(case2Resends).toBe(KILL_AFTER_ACCEPT.size);
    for (const list of case2Copies.values()) {
      for (const copy of list.slice(1)) expect(copy).toEqual(list[0]);
    }

    // ——— Case 3: refused changes. A reply with a stale If-Match (412) and a reply to a ticket merged
    // away and so closed (409) run into no mail.
    const staleTicket = tickets[0] as { id: string; version: number };
    const stale = await reply(staleTicket.id, `${REFUSED_TEXT} (stale)`, {
      'if-match': `"${staleTicket.version - 1}"`,
    });
    expect(stale.status).toBe(412);
    const duplicate = await post('/v1/tickets', tokens[0] as string, {
      subject: 'Export fails again',
      body: 'Same as before',
    });
    expect(duplicate.status).toBe(201);
    const merged = await post(`/v1/agent/tickets/${duplicate.body.id}/merge`, agentKey, {
      into: staleTicket.id,
    });
    expect(merged.status).toBe(201);
    const toClosed = await reply(duplicate.body.id, `${REFUSED_TEXT} (closed)`);
    expect(toClosed.status).toBe(409);
    const mailsBeforeRefused = mailServer.received.length;
    await sleep(1_500); // a mail for a refused change would arrive within this
    expect(mailServer.received.slice(mailsBeforeRefused)).toEqual([]);
    await server.stop();
    server = undefined;

    // ——— Across all cases: every notification recorded as sent, every mail one of them, none lost.
    const after = await withDb(readOutbox);
    const copies = countById(mailServer.received);
    const expectedIds = new Set(after.notifications.map((n) => messageIdOf(n.id)));
    console.log(
      `[reliability 13] ${kind} case 3 (refused changes): 412 and 409 answered, ${after.rows.length - 2 * TICKETS} outbox rows and ${mailServer.received.length - mailsBeforeRefused} mails for them; ` +
        `in all ${after.notifications.length} notifications, ${mailServer.received.length} mails, ${copies.size} distinct Message-IDs, ${mailServer.received.length - copies.size} resent, ${kills} SIGKILLs, ${Math.round(performance.now() - startedAt)} ms`,
    );
    expect(after.rows).toHaveLength(2 * TICKETS);
    expect(after.notifications).toHaveLength(2 * TICKETS);
    expect(after.rows.every((r) => r.delivered)).toBe(true);
    expect(after.notifications.every((n) => n.sent)).toBe(true);
    expect(after.rows.filter((r) => r.payload_text.includes('REFUSED-R13'))).toEqual([]);
    expect(new Set(copies.keys())).toEqual(expectedIds);
    expect(mailServer.received.filter((m) => m.text.includes('REFUSED-R13'))).toEqual([]);
    expect(kills).toBe(1 + KILL_AFTER_ACCEPT.size);
  } finally {
    await server?.kill();
    await mailServer.close();
  }
}

describe('reliability 13: the email outbox across SIGKILLs', () => {
  afterEach(killServerProcesses, 30_000);

  it('PGlite with a data directory: killed before sending, every mail once; killed after the mail server took a mail, that mail resent with its Message-ID; nothing for refused changes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tierdesk-rel13-'));
    try {
      await crashRun('pglite', { kind: 'pglite', dataDir }, () => createPgliteDatabase({ dataDir }));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(TEST_DATABASE_URL === undefined)(
    'PostgreSQL: killed before sending, every mail once; killed after the mail server took a mail, that mail resent with its Message-ID; nothing for refused changes',
    async () => {
      const own = await createOwnDatabase(TEST_DATABASE_URL as string, 'td_rel13');
      try {
        await crashRun('postgres', { kind: 'postgres', connectionString: own.url }, () =>
          createPostgresDatabase({ connectionString: own.url, max: 2 }),
        );
      } finally {
        await own.drop();
      }
    },
    120_000,
  );
});
