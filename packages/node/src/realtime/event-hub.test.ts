import { randomUUID } from 'node:crypto';
import { StreamEventSchema, type Ticket, type TimelineEvent } from '@tierdesk/core';
import type { EventSourceMessage } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import type { Identity } from '../identity';
import { silentLogger } from '../logger';
import type { SqlDatabase, SqlExecutor } from '../store';
import { createEventHub, type EventHubOptions } from './event-hub';
import { connect, type SseClient, serve, type TestServer } from './sse.test-support';
import { compareStreamPositions, parseStreamPosition } from './stream-position';
import { notifyTimelineAppended } from './timeline.notify';

const WS = 'ws_realtime';
const OTHER_WS = 'ws_elsewhere';
const agent: Identity = { kind: 'agent', workspaceId: WS, agentId: 'agt_1', via: 'api_key' };
const userA: Identity = { kind: 'user', workspaceId: WS, userId: 'usr_a', anonymous: false };
const userB: Identity = { kind: 'user', workspaceId: WS, userId: 'usr_b', anonymous: false };
const NOW = '2026-03-02T10:00:00.000Z';

function ticketData(
  id: string,
  number: number,
  workspaceId: string,
  requesterId: string,
  version: number,
): Ticket {
  return {
    id,
    number,
    workspaceId,
    subject: `Ticket ${number}`,
    status: 'open',
    workflowState: 'open',
    priority: 'normal',
    tier: 1,
    channel: 'widget',
    requester: { id: requesterId, tags: [] },
    assigneeId: null,
    groupId: null,
    tags: [],
    customFields: {},
    sla: [],
    csat: null,
    links: {},
    vendor: null,
    reopenCount: 0,
    createdAt: NOW,
    updatedAt: NOW,
    version,
  };
}

async function seed(db: SqlDatabase): Promise<void> {
  await db.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Realtime'), ($2, 'Elsewhere')`, [
    WS,
    OTHER_WS,
  ]);
  const tickets: Array<[string, number, string, string]> = [
    ['tkt_a', 1, WS, 'usr_a'],
    ['tkt_a2', 2, WS, 'usr_a'],
    ['tkt_b', 3, WS, 'usr_b'],
    ['tkt_x', 1, OTHER_WS, 'usr_a'],
  ];
  for (const [id, number, workspaceId, requesterId] of tickets) {
    await db.query(
      `INSERT INTO tickets (id, workspace_id, number, requester_id, status, tier, priority, data, snapshot, version,
                            created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'open', 1, 'normal', $5, '{}', 1, $6, $6)`,
      [
        id,
        workspaceId,
        number,
        requesterId,
        JSON.stringify(ticketData(id, number, workspaceId, requesterId, 1)),
        NOW,
      ],
    );
  }
}

interface Draft {
  body: string;
  internal?: boolean;
}

/** Appends events the way the ticket service does: rows + ticket projection + notify, one transaction. */
async function appendIn(tx: SqlExecutor, ticketId: string, drafts: Draft[]): Promise<void> {
  const { rows } = await tx.query<{ workspace_id: string; requester_id: string; data: Ticket; last: number }>(
    `SELECT t.workspace_id, t.requester_id, t.data,
            (SELECT coalesce(max(seq), 0) FROM ticket_events e WHERE e.ticket_id = t.id) AS last
       FROM tickets t WHERE t.id = $1 FOR UPDATE`,
    [ticketId],
  );
  const ticket = rows[0];
  if (ticket === undefined) throw new Error(`no ticket ${ticketId}`);
  const events: TimelineEvent[] = drafts.map((draft, index) =>
    draft.internal === true
      ? {
          type: 'note.internal',
          seq: ticket.last + index + 1,
          at: NOW,
          actor: { type: 'agent', id: 'agt_1' },
          noteId: `note_${randomUUID()}`,
          body: draft.body,
        }
      : {
          type: 'message.public',
          seq: ticket.last + index + 1,
          at: NOW,
          actor: { type: 'customer' },
          messageId: `msg_${randomUUID()}`,
          role: 'customer',
          body: draft.body,
          attachments: [],
        },
  );
  await tx.query(
    `INSERT INTO ticket_events (ticket_id, seq, workspace_id, requester_id, type, at, internal, event)
     SELECT $1, e.seq, $2, $3, e.type, e.at, e.internal, e.event
       FROM jsonb_to_recordset($4::jsonb) AS e(seq integer, type text, at timestamptz, internal boolean, event jsonb)
      ORDER BY e.seq`,
    [
      ticketId,
      ticket.workspace_id,
      ticket.requester_id,
      JSON.stringify(
        events.map((event) => ({
          seq: event.seq,
          type: event.type,
          at: event.at,
          internal: event.type === 'note.internal',
          event,
        })),
      ),
    ],
  );
  const version = ticket.data.version + 1;
  await tx.query('UPDATE tickets SET data = $2, version = $3 WHERE id = $1', [
    ticketId,
    JSON.stringify({ ...ticket.data, version }),
    version,
  ]);
  await notifyTimelineAppended(tx, ticket.workspace_id);
}

function append(db: SqlDatabase, ticketId: string, ...drafts: Draft[]): Promise<void> {
  return db.transaction((tx) => appendIn(tx, ticketId, drafts));
}

/** A compact, comparable view of the received events (control events included). */
function summary(events: readonly EventSourceMessage[]): string[] {
  return events.map((message) => {
    const data = JSON.parse(message.data) as { type: string } & Record<string, unknown>;
    expect(data.type).toBe(message.event);
    if (message.event === 'timeline.appended' || message.event === 'ticket.updated') {
      const parsed = StreamEventSchema.safeParse(data);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
    if (data.type === 'timeline.appended') {
      const event = data.event as TimelineEvent;
      return `${data.ticketId} ${'body' in event ? event.body : event.type}`;
    }
    if (data.type === 'ticket.updated') {
      const ticket = data.ticket as Ticket;
      return `${ticket.id} v${ticket.version}`;
    }
    return data.type;
  });
}

const isReady = (client: SseClient) => client.events.some((e) => e.event === 'stream.ready');
/** The client has received the given version of a ticket. */
const hasTicket = (ticketId: string, version: number) => (client: SseClient) =>
  client.events.some((e) => {
    if (e.event !== 'ticket.updated') return false;
    const { ticket } = JSON.parse(e.data) as { ticket: Ticket };
    return ticket.id === ticketId && ticket.version === version;
  });
const count = (n: number) => (client: SseClient) => client.events.length >= n;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeStores('event hub', ({ db, kind, openAnother }) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(options: Partial<EventHubOptions> & { database?: SqlDatabase } = {}) {
    const hub = createEventHub({ db: options.database ?? db(), logger: silentLogger, ...options });
    cleanups.push(() => hub.close());
    const server = await serve((request) => {
      const identity = JSON.parse(request.headers.get('x-test-identity') ?? 'null') as Identity;
      return hub.stream(request, identity);
    });
    cleanups.push(() => server.close());
    return { hub, server };
  }

  async function open(
    server: TestServer,
    identity: Identity,
    headers: Record<string, string> = {},
    path = '/',
  ) {
    const client = await connect(`${server.url}${path}`, {
      'x-test-identity': JSON.stringify(identity),
      ...headers,
    });
    cleanups.push(() => client.close());
    return client;
  }

  /**
   * Waits until no transaction older than the newest event is still open anywhere on the server: a
   * replay serves only events below that horizon (later rows follow live), and the PostgreSQL server
   * is shared with the other suites running at the same time, whose transactions hold it back.
   */
  async function settled(): Promise<void> {
    await expect
      .poll(
        async () => {
          const { rows } = await db().query<{ ok: boolean }>(
            `SELECT coalesce((SELECT max(xact_id) FROM ticket_events) < pg_snapshot_xmin(pg_current_snapshot()), true) AS ok`,
          );
          return rows[0]?.ok;
        },
        { timeout: 15_000, interval: 20 },
      )
      .toBe(true);
  }

  async function openReady(server: TestServer, identity: Identity, headers: Record<string, string> = {}) {
    // A resuming client is promised the replay before `stream.ready`: only once it is settled.
    if (headers['last-event-id'] !== undefined) await settled();
    const client = await open(server, identity, headers);
    await client.waitFor(isReady);
    return client;
  }

  it('streams the workspace to an agent live: id, event and JSON data, a ticket update after each change', async () => {
    await seed(db());
    const { server } = await start();
    const client = await openReady(server, agent);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(client.headers['cache-control']).toBe('no-cache');
    expect(client.headers['x-accel-buffering']).toBe('no');

    // Each change is awaited before the next, so every batch holds exactly one transaction.
    await append(db(), 'tkt_a', { body: 'hello' }, { body: 'anyone?' });
    await client.waitFor(hasTicket('tkt_a', 2));
    await append(db(), 'tkt_b', { body: 'note', internal: true });
    await client.waitFor(hasTicket('tkt_b', 2));
    await append(db(), 'tkt_x', { body: 'other workspace' });
    await append(db(), 'tkt_a', { body: 'still there' });
    await client.waitFor(hasTicket('tkt_a', 3));
    await sleep(100);
    expect(summary(client.events)).toEqual([
      'stream.ready',
      'tkt_a hello',
      'tkt_a anyone?',
      'tkt_a v2',
      'tkt_b note',
      'tkt_b v2',
      'tkt_a still there',
      'tkt_a v3',
    ]);
    const positions = client.events.map((e) => parseStreamPosition(e.id ?? ''));
    expect(positions.every((p) => p !== undefined)).toBe(true);
    for (let i = 2; i < positions.length; i++) {
      expect(compareStreamPositions(positions[i - 1]!, positions[i]!)).toBeLessThan(0);
    }
  });

  it('resumes after Last-Event-ID with exactly the missed events, then continues live', async () => {
    await seed(db());
    const { hub, server } = await start();
    const first = await openReady(server, agent);
    await append(db(), 'tkt_a', { body: 'one' });
    await first.waitFor(count(3));
    const lastId = first.events.at(-1)?.id as string;
    first.close();
    // With no subscriber left the workspace reader stops, so the resumed client gets it all as replay.
    await expect.poll(() => hub.stats().subscribers).toBe(0);

    await append(db(), 'tkt_a', { body: 'two' }, { body: 'three' });
    await append(db(), 'tkt_b', { body: 'four' });

    const resumed = await openReady(server, agent, { 'last-event-id': lastId });
    await append(db(), 'tkt_b', { body: 'five' });
    await resumed.waitFor(count(8));
    await sleep(100);
    expect(summary(resumed.events)).toEqual([
      'tkt_a two',
      'tkt_a three',
      'tkt_a v3',
      'tkt_b four',
      'tkt_b v2',
      'stream.ready',
      'tkt_b five',
      'tkt_b v3',
    ]);

    // The query parameter works the same (EventSource cannot set headers on the first connection).
    const byQuery = await open(server, agent, {}, `/?lastEventId=${encodeURIComponent(lastId)}`);
    await byQuery.waitFor(isReady);
    expect(summary(byQuery.events)).toEqual([
      'tkt_a two',
      'tkt_a three',
      'tkt_a v3',
      'tkt_b four',
      'tkt_b five',
      'tkt_b v3',
      'stream.ready',
    ]);
    // Resuming from the very last id replays nothing.
    const upToDate = await openReady(server, agent, { 'last-event-id': resumed.events.at(-1)?.id as string });
    expect(summary(upToDate.events)).toEqual(['stream.ready']);
  });

  it('owes a client that dropped between a row and its ticket update only the update', async () => {
    await seed(db());
    const { server } = await start();
    const client = await openReady(server, agent);
    await append(db(), 'tkt_a', { body: 'one' });
    await client.waitFor(count(3));
    expect(summary(client.events)).toEqual(['stream.ready', 'tkt_a one', 'tkt_a v2']);
    const rowId = client.events[1]?.id as string;
    const resumed = await openReady(server, agent, { 'last-event-id': rowId });
    expect(summary(resumed.events)).toEqual(['tkt_a v2', 'stream.ready']);
    expect(resumed.events[0]?.id).toBe(client.events[2]?.id);
  });

  it('sends an end user only their own tickets, never internal notes; an agent everything', async () => {
    await seed(db());
    const { server } = await start();
    const [a, b, all] = await Promise.all([
      openReady(server, userA),
      openReady(server, userB),
      openReady(server, agent),
    ]);
    await append(db(), 'tkt_a', { body: 'a public' }, { body: 'a secret', internal: true });
    await all.waitFor(hasTicket('tkt_a', 2));
    await append(db(), 'tkt_a', { body: 'a only internal', internal: true });
    await all.waitFor(hasTicket('tkt_a', 3));
    await append(db(), 'tkt_b', { body: 'b public' });
    await all.waitFor(hasTicket('tkt_b', 2));
    await append(db(), 'tkt_a2', { body: 'a2 secret', internal: true }, { body: 'a2 public' });
    await all.waitFor(hasTicket('tkt_a2', 2));
    await append(db(), 'tkt_x', { body: 'same user, other workspace' });
    await a.waitFor(count(1 + 4));
    await b.waitFor(count(1 + 2));
    await sleep(150);
    expect(summary(a.events)).toEqual([
      'stream.ready',
      'tkt_a a public',
      'tkt_a v2',
      'tkt_a2 a2 public',
      'tkt_a2 v2',
    ]);
    expect(summary(b.events)).toEqual(['stream.ready', 'tkt_b b public', 'tkt_b v2']);
    expect(summary(all.events)).toEqual([
      'stream.ready',
      'tkt_a a public',
      'tkt_a a secret',
      'tkt_a v2',
      'tkt_a a only internal',
      'tkt_a v3',
      'tkt_b b public',
      'tkt_b v2',
      'tkt_a2 a2 secret',
      'tkt_a2 a2 public',
      'tkt_a2 v2',
    ]);

    // The replay applies the same rules.
    const replayA = await openReady(server, userA, { 'last-event-id': a.events[0]?.id as string });
    expect(summary(replayA.events)).toEqual([
      'tkt_a a public',
      'tkt_a v3',
      'tkt_a2 a2 public',
      'tkt_a2 v2',
      'stream.ready',
    ]);
    const replayB = await openReady(server, userB, { 'last-event-id': a.events[0]?.id as string });
    expect(summary(replayB.events)).toEqual(['tkt_b b public', 'tkt_b v2', 'stream.ready']);
    const seenByA = [...a.events, ...replayA.events].map((e) => e.data).join('\n');
    expect(seenByA).not.toMatch(/secret|internal|usr_b|other workspace/);
    const seenByB = [...b.events, ...replayB.events].map((e) => e.data).join('\n');
    expect(seenByB).not.toMatch(/secret|internal|usr_a|tkt_a/);
  });

  it('sends nothing for a rolled-back transaction', async () => {
    await seed(db());
    const { server } = await start();
    const client = await openReady(server, agent);
    await expect(
      db().transaction(async (tx) => {
        await appendIn(tx, 'tkt_a', [{ body: 'never happened' }]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await sleep(200);
    await append(db(), 'tkt_b', { body: 'real' });
    await client.waitFor(count(3));
    await sleep(100);
    expect(summary(client.events)).toEqual(['stream.ready', 'tkt_b real', 'tkt_b v2']);
    const replay = await openReady(server, agent, { 'last-event-id': client.events[0]?.id as string });
    expect(summary(replay.events)).toEqual(['tkt_b real', 'tkt_b v2', 'stream.ready']);
  });

  it('tells a client that missed more than maxBacklog to refetch, then continues live', async () => {
    await seed(db());
    const { hub, server } = await start({ maxBacklog: 3 });
    const first = await openReady(server, agent);
    const readyId = first.events[0]?.id as string;
    first.close();
    await expect.poll(() => hub.stats().subscribers).toBe(0);
    await append(db(), 'tkt_a', { body: '1' }, { body: '2' });
    await append(db(), 'tkt_a', { body: '3' });
    const within = await openReady(server, agent, { 'last-event-id': readyId });
    expect(summary(within.events)).toEqual(['tkt_a 1', 'tkt_a 2', 'tkt_a 3', 'tkt_a v3', 'stream.ready']);

    await append(db(), 'tkt_b', { body: '4' });
    await within.waitFor(hasTicket('tkt_b', 2));
    const behind = await openReady(server, agent, { 'last-event-id': readyId });
    expect(summary(behind.events)).toEqual(['stream.reset', 'stream.ready']);
    expect(JSON.parse(behind.events[0]?.data ?? '')).toEqual({
      type: 'stream.reset',
      reason: 'backlog_exceeded',
    });
    await append(db(), 'tkt_b', { body: '5' });
    await behind.waitFor(count(4));
    expect(summary(behind.events).slice(2)).toEqual(['tkt_b 5', 'tkt_b v3']);
    // The reset's id is a real position: resuming from it replays only what followed.
    const after = await openReady(server, agent, { 'last-event-id': behind.events[0]?.id as string });
    expect(summary(after.events)).toEqual(['tkt_b 5', 'tkt_b v3', 'stream.ready']);
  });

  it('answers a malformed Last-Event-ID with 400 bad_request', async () => {
    const { hub, server } = await start();
    for (const [headers, path] of [
      [{ 'last-event-id': 'abc' }, '/'],
      [{ 'last-event-id': '12-x' }, '/'],
      [{ 'last-event-id': '99999999999999999999999-1' }, '/'],
      [{ 'last-event-id': '1-9223372036854775808' }, '/'],
      [{}, '/?lastEventId=-1-2'],
    ] as const) {
      const client = await open(server, agent, headers, path);
      await client.waitFor((c) => c.ended());
      expect(client.status).toBe(400);
      expect(JSON.parse(client.text())).toMatchObject({ error: { code: 'bad_request' } });
    }
    expect(hub.stats()).toEqual({ subscribers: 0, workspaces: 0 });
  });

  it('sends keep-alive comments', async () => {
    const { server } = await start({ keepAliveMs: 40 });
    const client = await openReady(server, agent);
    await client.waitFor((c) => c.comments.filter((comment) => comment === 'keep-alive').length >= 3);
  });

  it('frees the subscription when the client disconnects, and its workspace reader with the last one', async () => {
    await seed(db());
    const { hub, server } = await start();
    const a = await openReady(server, agent);
    const b = await openReady(server, userB);
    expect(hub.stats()).toEqual({ subscribers: 2, workspaces: 1 });
    a.close();
    await expect.poll(() => hub.stats()).toEqual({ subscribers: 1, workspaces: 1 });
    await append(db(), 'tkt_b', { body: 'still delivered' });
    await b.waitFor(count(3));
    b.close();
    await expect.poll(() => hub.stats()).toEqual({ subscribers: 0, workspaces: 0 });
    // A later client starts a fresh reader.
    const c = await openReady(server, agent);
    await append(db(), 'tkt_a', { body: 'again' });
    await c.waitFor(count(3));
  });

  it('releases on request.signal abort and on body cancel, and closes every stream on close()', async () => {
    const hub = createEventHub({ db: db(), logger: silentLogger });
    cleanups.push(() => hub.close());
    const abort = new AbortController();
    const aborted = hub.stream(new Request('http://127.0.0.1/', { signal: abort.signal }), agent);
    const abortedReader = aborted.body!.getReader();
    const cancelled = hub.stream(new Request('http://127.0.0.1/'), agent).body!.getReader();
    const kept = hub.stream(new Request('http://127.0.0.1/'), agent).body!.getReader();
    await abortedReader.read();
    expect(hub.stats().subscribers).toBe(3);
    abort.abort();
    await expect.poll(() => hub.stats().subscribers).toBe(2);
    for (;;) if ((await abortedReader.read()).done) break;
    await cancelled.cancel();
    expect(hub.stats().subscribers).toBe(1);
    await hub.close();
    expect(hub.stats()).toEqual({ subscribers: 0, workspaces: 0 });
    for (;;) if ((await kept.read()).done) break;
    const refused = hub.stream(new Request('http://127.0.0.1/'), agent);
    expect(refused.status).toBe(503);
  });

  describe.runIf(kind === 'postgres')('several connections', () => {
    it('delivers events written through one instance to a client of another', async () => {
      await seed(db());
      const other = await openAnother();
      const { server: first } = await start();
      const { server: second } = await start({ database: other });
      const here = await openReady(first, agent);
      const there = await openReady(second, agent);
      await append(db(), 'tkt_a', { body: 'from instance one' });
      await append(other, 'tkt_b', { body: 'from instance two' });
      await Promise.all([here.waitFor(count(5)), there.waitFor(count(5))]);
      expect(summary(there.events)).toEqual(summary(here.events));
      // Positions are global: an id from one instance resumes on the other.
      const resumed = await openReady(second, agent, { 'last-event-id': here.events[2]?.id as string });
      expect(summary(resumed.events)).toEqual(['tkt_b from instance two', 'tkt_b v2', 'stream.ready']);
    });

    it('loses nothing when transactions commit in the reverse order of their ids', async () => {
      await seed(db());
      const { server } = await start();
      const client = await openReady(server, agent);
      let releaseEarly: () => void = () => {};
      const earlyMayCommit = new Promise<void>((resolve) => {
        releaseEarly = resolve;
      });
      let earlyInserted: () => void = () => {};
      const earlyHasInserted = new Promise<void>((resolve) => {
        earlyInserted = resolve;
      });
      const early = db().transaction(async (tx) => {
        await appendIn(tx, 'tkt_a', [{ body: 'early id, late commit' }]);
        earlyInserted();
        await earlyMayCommit;
      });
      await earlyHasInserted;
      await append(db(), 'tkt_b', { body: 'late id, early commit' });
      const ids = await db().query<{ body: string; stream_id: number }>(
        `SELECT event->>'body' AS body, stream_id FROM ticket_events ORDER BY stream_id`,
      );
      // Only the late row is committed yet, though it has the higher stream_id.
      expect(ids.rows.map((r) => r.body)).toEqual(['late id, early commit']);
      expect(ids.rows[0]?.stream_id).toBe(2);
      // Delivering it now would give the client a resume position past the uncommitted row.
      await sleep(300);
      expect(summary(client.events)).toEqual(['stream.ready']);

      releaseEarly();
      await early;
      await client.waitFor(count(5));
      await sleep(100);
      expect(summary(client.events)).toEqual([
        'stream.ready',
        'tkt_a early id, late commit',
        'tkt_a v2',
        'tkt_b late id, early commit',
        'tkt_b v2',
      ]);
      for (const from of client.events.slice(0, -1)) {
        const resumed = await openReady(server, agent, { 'last-event-id': from.id as string });
        const expected = summary(client.events.slice(client.events.indexOf(from) + 1)).filter(
          (s) => s !== 'stream.ready',
        );
        expect(summary(resumed.events)).toEqual([...expected, 'stream.ready']);
        resumed.close();
      }
    });

    it('delivers rows held back by an unrelated open transaction once it ends, without a notification', async () => {
      await seed(db());
      const { server } = await start();
      const client = await openReady(server, agent);
      let finish: () => void = () => {};
      const mayFinish = new Promise<void>((resolve) => {
        finish = resolve;
      });
      let started: () => void = () => {};
      const hasXid = new Promise<void>((resolve) => {
        started = resolve;
      });
      const unrelated = db().transaction(async (tx) => {
        await tx.query('SELECT pg_current_xact_id()');
        started();
        await mayFinish;
      });
      await hasXid;
      await append(db(), 'tkt_a', { body: 'held back' });
      await sleep(300);
      expect(summary(client.events)).toEqual(['stream.ready']);
      finish();
      await unrelated;
      await client.waitFor(count(3), 5_000);
      expect(summary(client.events)).toEqual(['stream.ready', 'tkt_a held back', 'tkt_a v2']);
    });
  });
});
