import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SqlDatabase, SqlExecutor } from '../src/store';
import { describeStores } from './support/databases';
import { startTestServer, type TestServer } from './support/server';

// Round trips to the database are most of what a ticket change costs (BENCHMARKS.md: the server's CPU
// per creation follows its statement count). This budget fails when a change grows a statement, so
// the growth is a decision, not an accident. What each statement is, in order, is listed below.
const CREATE = [
  'BEGIN',
  'INSERT INTO idempotency_keys', // the key, recorded with the work
  'SELECT nextval', // the ticket number
  'SELECT kind, data FROM policies', // SLA, escalation and routing rules at once
  'INSERT INTO tickets',
  'INSERT INTO ticket_events',
  'INSERT INTO timers',
  'INSERT INTO outbox', // webhook events
  'SELECT pg_notify', // timeline, timers and outbox channels in one statement
  'UPDATE idempotency_keys', // the stored answer
  'COMMIT',
];
const REPLY = [
  'BEGIN',
  'INSERT INTO idempotency_keys',
  'SELECT id, workspace_id, number', // the ticket, locked
  'UPDATE tickets',
  'INSERT INTO ticket_events',
  'WITH stopped AS', // timers: stopped ones deleted, running ones upserted
  'INSERT INTO outbox',
  'SELECT pg_notify',
  'UPDATE idempotency_keys',
  'COMMIT',
];

describeStores('statements per ticket change', ({ db }) => {
  let server: TestServer;
  let log: string[] | null = null;

  beforeEach(async () => {
    const record = (ex: SqlExecutor): SqlExecutor => ({
      query: (text, params) => {
        log?.push(text.trim().replace(/\s+/g, ' '));
        return ex.query(text, params);
      },
    });
    const counted = new Proxy(db(), {
      get(target, prop) {
        if (prop === 'query') return record(target).query;
        if (prop === 'transaction') {
          return <T>(fn: (tx: SqlExecutor) => Promise<T>) => {
            log?.push('BEGIN');
            return target.transaction((tx) => fn(record(tx))).finally(() => log?.push('COMMIT'));
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as SqlDatabase;
    server = await startTestServer(counted, { assistant: false });
  });
  afterEach(async () => {
    await server.close();
  });

  it('creates a ticket in 11 statements and takes a reply in 10, notifications batched', async () => {
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
    expect(created.find((s) => s.startsWith('SELECT pg_notify'))?.match(/pg_notify/g)).toHaveLength(3);
  });
});
