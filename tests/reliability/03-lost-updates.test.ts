import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeStores } from '../../packages/node/tests/support/databases';
import { startTestServer, type TestServer } from '../../packages/node/tests/support/server';

// Issue 8, item 3: 50 concurrent writers on one ticket, each doing read → modify → PATCH with If-Match.
// The read-modify-write of the tag list is the classic lost update: without the version check two writers
// that read the same list both "win" and one tag silently vanishes. Here every loser must get a 412 and,
// after reloading, land its change, so the final ticket carries all 50 tags and 50 recorded changes.

const WRITERS = 50;

interface TicketBody {
  id: string;
  version: number;
  tags: string[];
  priority: string;
}

describeStores('reliability 03: lost updates', ({ db, kind }) => {
  let server: TestServer;
  let agentKey: string;

  beforeEach(async () => {
    server = await startTestServer(db(), { assistant: false });
    agentKey = await server.apiKeyFor('agent-l1');
  });
  afterEach(async () => {
    await server.close();
  });

  const agentHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({
    authorization: `Bearer ${agentKey}`,
    'content-type': 'application/json',
    ...extra,
  });

  async function openTicket(): Promise<TicketBody> {
    const response = await fetch(`${server.baseUrl}/v1/tickets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await server.tokenFor('u-writers')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ subject: 'Fifty writers', body: 'everyone edits me at once' }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as TicketBody;
  }

  async function read(ticketId: string): Promise<TicketBody> {
    const response = await fetch(`${server.baseUrl}/v1/agent/tickets/${ticketId}`, {
      headers: agentHeaders(),
    });
    expect(response.status).toBe(200);
    const etag = response.headers.get('etag');
    const body = (await response.json()) as { ticket: TicketBody };
    expect(etag).toBe(`"${body.ticket.version}"`);
    return body.ticket;
  }

  it('50 concurrent read-modify-write writers: every loser gets 412, no tag is lost, 50 changes recorded', async () => {
    const ticket = await openTicket();
    const startedAt = performance.now();
    let preconditionFailed = 0;
    let otherErrors = 0;
    const attemptsPerWriter: number[] = [];

    async function writer(index: number): Promise<void> {
      const tag = `writer-${String(index).padStart(2, '0')}`;
      for (let attempt = 1; attempt <= 200; attempt++) {
        const current = await read(ticket.id);
        const response = await fetch(`${server.baseUrl}/v1/agent/tickets/${ticket.id}`, {
          method: 'PATCH',
          headers: agentHeaders({ 'if-match': `"${current.version}"` }),
          body: JSON.stringify({ tags: [...current.tags, tag] }),
        });
        const body = (await response.json()) as TicketBody & { error?: { code: string } };
        if (response.status === 200) {
          expect(body.tags).toContain(tag);
          expect(body.version).toBe(current.version + 1);
          attemptsPerWriter[index] = attempt;
          return;
        }
        if (response.status === 412) {
          expect(body.error?.code).toBe('precondition_failed');
          preconditionFailed++;
          continue;
        }
        otherErrors++;
        throw new Error(`writer ${index}: unexpected ${response.status} ${JSON.stringify(body)}`);
      }
      throw new Error(`writer ${index} never got its change in`);
    }

    await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i)));
    const elapsedMs = performance.now() - startedAt;

    const after = await read(ticket.id);
    const expectedTags = Array.from({ length: WRITERS }, (_, i) => `writer-${String(i).padStart(2, '0')}`);
    const lost = expectedTags.filter((t) => !after.tags.includes(t));
    expect(lost).toEqual([]);
    expect([...after.tags].sort()).toEqual(expectedTags);
    expect(after.version).toBe(ticket.version + WRITERS);
    expect(otherErrors).toBe(0);

    // The audit trail agrees: exactly 50 tag changes, each adding one writer's tag to the list before it.
    const { rows } = await db().query<{ event: { type: string; to?: string[]; tags?: string[] } }>(
      `SELECT event FROM ticket_events WHERE ticket_id = $1 AND type = 'tags.changed' ORDER BY seq`,
      [ticket.id],
    );
    expect(rows).toHaveLength(WRITERS);
    const { rows: stored } = await db().query<{ version: number; tags: string[] }>(
      `SELECT version, data->'tags' AS tags FROM tickets WHERE id = $1`,
      [ticket.id],
    );
    expect(stored[0]?.version).toBe(after.version);
    expect([...(stored[0]?.tags ?? [])].sort()).toEqual(expectedTags);

    const maxAttempts = Math.max(...attemptsPerWriter);
    console.log(
      `[reliability 03] ${kind}: ${WRITERS} writers, ${WRITERS} updates landed, lost=${lost.length}, ` +
        `412s=${preconditionFailed}, other errors=${otherErrors}, max attempts by one writer=${maxAttempts}, ` +
        `final version=${after.version}, ${Math.round(elapsedMs)} ms`,
    );
  }, 60_000);

  it('50 concurrent PATCHes carrying the same version: exactly one wins, 49 get 412 and change nothing', async () => {
    const ticket = await openTicket();
    const answers = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        fetch(`${server.baseUrl}/v1/agent/tickets/${ticket.id}`, {
          method: 'PATCH',
          headers: agentHeaders({ 'if-match': `"${ticket.version}"` }),
          body: JSON.stringify({ tags: [`only-${i}`], priority: i % 2 === 0 ? 'high' : 'urgent' }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as TicketBody })),
      ),
    );
    const winners = answers.filter((a) => a.status === 200);
    const losers = answers.filter((a) => a.status === 412);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(WRITERS - 1);
    const winner = winners[0]?.body as TicketBody;
    const after = await read(ticket.id);
    // The winner's whole patch landed, and nothing of any loser's did.
    expect(after.version).toBe(ticket.version + 2); // one step per patched field: tags and priority
    expect(after.tags).toEqual(winner.tags);
    expect(after.priority).toBe(winner.priority);
    const { rows } = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND type IN ('tags.changed', 'priority.changed')`,
      [ticket.id],
    );
    expect(rows[0]?.n).toBe(2);
    console.log(
      `[reliability 03] ${kind}: same-version race: winners=${winners.length}, 412s=${losers.length}, ` +
        `stored changes=${rows[0]?.n}`,
    );
  }, 60_000);
});
