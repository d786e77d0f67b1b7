import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SqlDatabase, SqlExecutor } from '../src/store';
import { observeStatements } from '../src/store/transaction-scope';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

// Round trips to the database are most of what a ticket change costs (BENCHMARKS.md: the server's CPU
// per creation follows its statement count). This budget fails when a change grows a statement, so
// the growth is a decision, not an accident. What each statement is, in order, is listed below; the
// writes nobody reads are queued (store/write-batch.ts) and sent as ONE statement of CTEs before COMMIT.
const CREATE = [
  'BEGIN',
  'INSERT INTO idempotency_keys', // the key, claimed with the work
  'SELECT nextval', // the ticket number
  'SELECT kind, data FROM policies', // SLA, escalation and routing rules at once
  'WITH w0 AS (INSERT INTO tickets', // the writes, one statement (CREATE_WRITES)
  'COMMIT',
];
const CREATE_WRITES = [
  'INSERT INTO tickets',
  'INSERT INTO ticket_events',
  'INSERT INTO timers', // its SLA timers
  'INSERT INTO outbox', // webhook events
  'UPDATE idempotency_keys', // the stored answer
];
const REPLY = [
  'BEGIN',
  'INSERT INTO idempotency_keys',
  'SELECT id, workspace_id, number', // the ticket, locked
  'WITH w0 AS (UPDATE tickets', // the writes, one statement (REPLY_WRITES)
  'COMMIT',
];
const REPLY_WRITES = [
  'UPDATE tickets', // guarded by the version it was read at: tierdesk_expect_rows
  'INSERT INTO ticket_events',
  'DELETE FROM timers', // the first response's clock stopped
  'INSERT INTO timers', // the others moved
  'INSERT INTO outbox',
  'UPDATE idempotency_keys',
];

// The CTEs of a batched statement, by what each one starts with.
const writesOf = (statement: string | undefined): string[] =>
  [...(statement ?? '').matchAll(/w\d+ AS \((\w+ (?:INTO |FROM )?\w+)/g)].map((m) => m[1] as string);

describeStores('statements per ticket change', ({ db }) => {
  let server: TestServer;
  let log: string[] | null = null;
  let unobserve: () => void;

  beforeEach(async () => {
    // Statements inside transactions are observed where they are sent (queued writes as their one
    // statement); the few outside any transaction through the database's own query().
    unobserve = observeStatements(db(), (text) => log?.push(text.trim().replace(/\s+/g, ' ')));
    const counted = new Proxy(db(), {
      get(target, prop) {
        if (prop === 'query') {
          return (text: string, params?: unknown[]) => {
            log?.push(text.trim().replace(/\s+/g, ' '));
            return target.query(text, params);
          };
        }
        if (prop === 'transaction') {
          return <T>(fn: (tx: SqlExecutor) => Promise<T>) => {
            log?.push('BEGIN');
            return target.transaction(fn).finally(() => log?.push('COMMIT'));
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SqlDatabase;
    server = await startTestServer(counted, { assistant: false });
  });
  afterEach(async () => {
    unobserve();
    await server.close();
  });

  it('creates a ticket in 6 statements and takes a reply in 5, the writes of each sent as one', async () => {
    const ann = server.userClient('u-ann');
    await ann.createTicket({ body: { subject: 'Warm up', body: 'first' } });
    log = [];
    const ticket = await ann.createTicket({ body: { subject: 'Export fails', body: 'CSV export is empty' } });
    const created = log;
    log = [];
    await ann.replyAsUser({ params: { ticketId: ticket.id }, body: { body: 'Still empty' } });
    const replied = log;
    log = null;
    const shape = (statements: string[], expected: string[]) =>
      statements.map((s, i) => (s.startsWith(expected[i] ?? '\u0000') ? (expected[i] as string) : s));
    expect(shape(created, CREATE)).toEqual(CREATE);
    expect(shape(replied, REPLY)).toEqual(REPLY);
    const createWrites = created.find((s) => s.startsWith('WITH w0'));
    expect(writesOf(createWrites)).toEqual(CREATE_WRITES);
    // Timeline, timers and outbox channels, notified in the same statement.
    expect(createWrites?.match(/pg_notify/g)).toHaveLength(3);
    const replyWrites = replied.find((s) => s.startsWith('WITH w0'));
    expect(writesOf(replyWrites)).toEqual(REPLY_WRITES);
    expect(replyWrites).toContain("tierdesk_expect_rows('w0'");
  });
});
