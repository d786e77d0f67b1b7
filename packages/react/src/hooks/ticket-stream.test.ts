import { createClient } from '@tierdesk/core';
import { describe, expect, it } from 'vitest';

import { createSseParser, openTicketStream, type SseMessage, type TicketStreamStatus } from './ticket-stream';

// The validating client's parser: these tests check the connection, not the lean client's checks.
const { parseStreamEvent: parseEvent } = createClient({ baseUrl: 'http://example.test' });

function parseAll(chunks: string[]) {
  const messages: SseMessage[] = [];
  const ids: string[] = [];
  const parser = createSseParser(
    (m) => messages.push(m),
    (id) => ids.push(id),
  );
  for (const chunk of chunks) parser.push(chunk);
  return { messages, ids, parser };
}

describe('createSseParser', () => {
  const text =
    '\ufeff: connected\n\nid: 1-1\nevent: timeline.appended\ndata: {"a":1}\n\nid: 1-1-t\nevent: ticket.updated\ndata: line1\ndata: line2\n\n';

  it('parses messages, comments, a BOM and multi-line data', () => {
    const { messages, ids } = parseAll([text]);
    expect(messages).toEqual([
      { event: 'timeline.appended', data: '{"a":1}', lastEventId: '1-1' },
      { event: 'ticket.updated', data: 'line1\nline2', lastEventId: '1-1-t' },
    ]);
    expect(ids).toEqual(['1-1', '1-1-t']);
  });

  it('gives the same messages however the text is split, with LF, CRLF or CR line ends', () => {
    const expected = parseAll([text]).messages;
    for (const ending of ['\n', '\r\n', '\r']) {
      const body = text.replace(/\n/g, ending);
      for (let size = 1; size <= 7; size++) {
        const chunks: string[] = [];
        for (let i = 0; i < body.length; i += size) chunks.push(body.slice(i, i + size));
        expect(parseAll(chunks).messages).toEqual(expected);
      }
    }
  });

  it('keeps the id across messages, moves it on id-only messages, ignores ids with NUL', () => {
    const { messages, ids, parser } = parseAll([
      'id: 5\ndata: a\n\ndata: b\n\nid: 6\n\nid: x\u0000y\ndata: c\n\nretry: 2500\nevent: e\ndata\n\n',
    ]);
    expect(messages.map((m) => [m.data, m.lastEventId])).toEqual([
      ['a', '5'],
      ['b', '5'],
      ['c', '6'],
      ['', '6'],
    ]);
    expect(ids).toEqual(['5', '6']);
    expect(parser.retryMs).toBe(2500);
  });

  it('drops a message the stream ended in the middle of', () => {
    expect(parseAll(['data: complete\n\ndata: cut']).messages.map((m) => m.data)).toEqual(['complete']);
  });
});

describe('openTicketStream (without a server)', () => {
  it('stops for good on a 403 with a typed error, and retries a 503 with backoff', async () => {
    const statuses: [TicketStreamStatus, string | undefined][] = [];
    let calls = 0;
    const answers = [503, 403];
    const connection = openTicketStream({
      url: 'http://example.test/v1/stream',
      parseEvent,
      fetch: async () => {
        const status = answers[calls++] ?? 403;
        return new Response(
          JSON.stringify({ error: { code: status === 403 ? 'forbidden' : 'unavailable', message: 'no' } }),
          {
            status,
            headers: { 'content-type': 'application/json' },
          },
        );
      },
      backoff: { initialDelayMs: 5, maxDelayMs: 5 },
      onEvent: () => {},
      onStatus: (status, error) => statuses.push([status, error?.code]),
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(2);
    expect(statuses).toEqual([
      ['connecting', undefined],
      ['reconnecting', 'unavailable'],
      ['closed', 'forbidden'],
    ]);
    connection.close();
  });

  it('sends the credential in the header and resumes with Last-Event-ID after a clean end', async () => {
    const seen: { auth: string | null; lastEventId: string | null }[] = [];
    const events: string[] = [];
    const connection = openTicketStream({
      url: 'http://example.test/v1/stream',
      parseEvent,
      getToken: () => 'tok',
      fetch: async (_url, init) => {
        const headers = new Headers(init.headers);
        seen.push({ auth: headers.get('authorization'), lastEventId: headers.get('last-event-id') });
        const body =
          seen.length === 1
            ? 'id: 7-1\nevent: stream.ready\ndata: {"type":"stream.ready"}\n\n'
            : 'id: 7-2\nevent: stream.ready\ndata: {"type":"stream.ready"}\n\n: keep-alive\n\n';
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      },
      backoff: { initialDelayMs: 5, maxDelayMs: 5 },
      onEvent: (event, id, resumed) => events.push(`${event.type}@${id}:${resumed}`),
      onStatus: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    connection.close();
    expect(seen[0]).toEqual({ auth: 'Bearer tok', lastEventId: null });
    expect(seen[1]).toEqual({ auth: 'Bearer tok', lastEventId: '7-1' });
    expect(events.slice(0, 2)).toEqual(['stream.ready@7-1:false', 'stream.ready@7-2:true']);
  });
});
