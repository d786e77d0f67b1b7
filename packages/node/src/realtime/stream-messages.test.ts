import type { Ticket, TimelineEvent } from '@tierdesk/core';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import type { FeedBatch, FeedRow, FeedTicket } from './event-feed';
import { buildMessages, formatMessage, type StreamMessage } from './stream-messages';
import { formatStreamPosition, horizonPosition, parseStreamPosition } from './stream-position';

const WS = 'ws_1';

function row(
  xactId: number,
  streamId: number,
  ticketId: string,
  requesterId: string,
  internal = false,
): FeedRow {
  const event = {
    type: internal ? 'note.internal' : 'message.public',
    seq: streamId,
  } as unknown as TimelineEvent;
  return {
    ticketId,
    workspaceId: WS,
    requesterId,
    internal,
    event,
    xactId: BigInt(xactId),
    streamId: BigInt(streamId),
  };
}

function ticket(id: string, requesterId: string, workspaceId = WS): [string, FeedTicket] {
  return [
    id,
    {
      workspaceId,
      requesterId,
      ticket: {
        id,
        version: 9,
        sla: [],
        tags: ['internal'],
        assigneeId: 'agent-1',
        links: {},
      } as unknown as Ticket,
    },
  ];
}

function ids(messages: StreamMessage[]): string[] {
  return messages.map((m) => `${formatStreamPosition(m.position)} ${m.data.type}`);
}

const batch: FeedBatch = {
  rows: [
    row(10, 1, 't_a', 'u_a'),
    row(10, 2, 't_a', 'u_a', true),
    row(10, 3, 't_b', 'u_b'),
    row(11, 4, 't_a', 'u_a'),
    row(11, 5, 't_gone', 'u_a'),
  ],
  tickets: new Map([ticket('t_a', 'u_a'), ticket('t_b', 'u_b')]),
};

describe('buildMessages', () => {
  it('sends an agent every row and one ticket update after each ticket’s last row of the batch', () => {
    expect(ids(buildMessages(batch, { workspaceId: WS }, horizonPosition(10n)))).toEqual([
      '10-1 timeline.appended',
      '10-2 timeline.appended',
      '10-3 timeline.appended',
      '10-3-t ticket.updated',
      '11-4 timeline.appended',
      '11-4-t ticket.updated',
      '11-5 timeline.appended', // its ticket is gone: no update
    ]);
  });

  it('sends an end user only their public rows, and the update after their last visible row', () => {
    expect(ids(buildMessages(batch, { workspaceId: WS, requesterId: 'u_a' }, horizonPosition(0n)))).toEqual([
      '10-1 timeline.appended',
      '11-4 timeline.appended',
      '11-4-t ticket.updated',
      '11-5 timeline.appended',
    ]);
    expect(ids(buildMessages(batch, { workspaceId: WS, requesterId: 'u_b' }, horizonPosition(0n)))).toEqual([
      '10-3 timeline.appended',
      '10-3-t ticket.updated',
    ]);
    expect(buildMessages(batch, { workspaceId: 'ws_other' }, horizonPosition(0n))).toEqual([]);
    // The end user's ticket.updated carries the requester view; the agent's the full ticket.
    const update = (scope: { workspaceId: string; requesterId?: string }) =>
      buildMessages(batch, scope, horizonPosition(0n)).find((m) => m.data.type === 'ticket.updated')?.data;
    expect(update({ workspaceId: WS, requesterId: 'u_a' })).toMatchObject({
      ticket: { tags: [], assigneeId: null },
    });
    expect(update({ workspaceId: WS })).toMatchObject({
      ticket: { tags: ['internal'], assigneeId: 'agent-1' },
    });
  });

  it('never sends a ticket whose requester or workspace is not the subscriber’s', () => {
    const moved: FeedBatch = { rows: [row(10, 1, 't_a', 'u_a')], tickets: new Map([ticket('t_a', 'u_b')]) };
    expect(ids(buildMessages(moved, { workspaceId: WS, requesterId: 'u_a' }, horizonPosition(0n)))).toEqual([
      '10-1 timeline.appended',
    ]);
    const foreign: FeedBatch = {
      rows: [row(10, 1, 't_a', 'u_a')],
      tickets: new Map([ticket('t_a', 'u_a', 'x')]),
    };
    expect(ids(buildMessages(foreign, { workspaceId: WS }, horizonPosition(0n)))).toEqual([
      '10-1 timeline.appended',
    ]);
  });

  it('skips everything at or before the subscriber’s position', () => {
    const agent = { workspaceId: WS };
    expect(ids(buildMessages(batch, agent, parseStreamPosition('10-3')!))).toEqual([
      '10-3-t ticket.updated',
      '11-4 timeline.appended',
      '11-4-t ticket.updated',
      '11-5 timeline.appended',
    ]);
    expect(ids(buildMessages(batch, agent, parseStreamPosition('11-4-t')!))).toEqual([
      '11-5 timeline.appended',
    ]);
    expect(buildMessages(batch, agent, horizonPosition(12n))).toEqual([]);
  });
});

describe('formatMessage', () => {
  it('writes one SSE message whose data survives line breaks in the payload', () => {
    const body = 'line one\nline two\r\nthree: four\n\ndata: not a field';
    const message: StreamMessage = {
      position: parseStreamPosition('7-3')!,
      data: { type: 'timeline.appended', ticketId: 't_a', event: { body } as unknown as TimelineEvent },
    };
    const text = formatMessage(message);
    const parsed: EventSourceMessage[] = [];
    createParser({ onEvent: (event) => parsed.push(event) }).feed(text);
    expect(parsed).toEqual([{ id: '7-3', event: 'timeline.appended', data: JSON.stringify(message.data) }]);
    expect(JSON.parse(parsed[0]?.data ?? '').event.body).toBe(body);
  });
});
