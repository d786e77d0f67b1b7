import { QueryClient } from '@tanstack/react-query';
import { type DeflectionEvent, type TierdeskClient, TierdeskError, type TimelineEvent } from '@tierdesk/core';
import { describe, expect, it, vi } from 'vitest';
import type { TierdeskContextValue } from '../provider/tierdesk-context';
import { createDeflectionRecorder, findStoredMessage } from './widget.actors';
import {
  clearWidgetDrafts,
  readWidgetDrafts,
  type WidgetDraftStorage,
  widgetDraftsKey,
  writeWidgetDrafts,
} from './widget.drafts';

function message(seq: number, role: 'customer' | 'agent', body: string, at: string): TimelineEvent {
  return {
    type: 'message.public',
    seq,
    at,
    actor: { type: role === 'customer' ? 'user' : 'agent', id: 'x' },
    messageId: `m${seq}`,
    role,
    body,
    attachments: [],
  } as TimelineEvent;
}

describe('findStoredMessage', () => {
  const events = [
    message(1, 'customer', 'hello', '2026-01-01T10:00:00.000Z'),
    message(2, 'agent', 'ok?', '2026-01-01T10:01:00.000Z'),
    message(3, 'customer', 'ok', '2026-01-01T10:02:00.000Z'),
    message(4, 'customer', 'ok', '2026-01-01T10:05:00.000Z'),
  ];

  it('finds the message the answered version stored, not a later one with the same text', () => {
    expect(findStoredMessage(events, 'ok', '2026-01-01T10:02:00.000Z')?.seq).toBe(3);
    expect(findStoredMessage(events, ' ok ', '2026-01-01T10:05:00.000Z')?.seq).toBe(4);
  });

  it('ignores agent messages and unknown text', () => {
    expect(findStoredMessage(events, 'ok?', '2026-01-01T10:09:00.000Z')).toBeUndefined();
    expect(findStoredMessage(events, 'nope', '2026-01-01T10:09:00.000Z')).toBeUndefined();
  });
});

function memoryStorage(): WidgetDraftStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('widget drafts storage', () => {
  const drafts = {
    ticketForm: { subject: 'S', body: 'B' },
    composer: { t1: 'typing' },
    outbox: [{ clientMessageId: 'sess:message:1', ticketId: 't1', body: 'queued' }],
  };

  it('round-trips per identity, removes the entry when empty, clears one identity only', () => {
    const storage = memoryStorage();
    writeWidgetDrafts(storage, 'u1', drafts);
    writeWidgetDrafts(storage, 'u2', { ...drafts, outbox: [] });
    expect(readWidgetDrafts(storage, 'u1')).toEqual(drafts);
    expect(readWidgetDrafts(storage, 'u3')).toEqual({});
    writeWidgetDrafts(storage, 'u2', { ticketForm: { subject: '', body: '' }, composer: {}, outbox: [] });
    expect(storage.data.has(widgetDraftsKey('u2'))).toBe(false);
    clearWidgetDrafts(storage, 'u1');
    expect(storage.data.size).toBe(0);
  });

  it('drops whatever is not what it wrote, entry by entry', () => {
    const storage = memoryStorage();
    storage.setItem(widgetDraftsKey('u1'), '{not json');
    expect(readWidgetDrafts(storage, 'u1')).toEqual({});
    storage.setItem(
      widgetDraftsKey('u1'),
      JSON.stringify({
        ticketForm: { subject: 1 },
        composer: { t1: 'ok', t2: 5 },
        outbox: [drafts.outbox[0], { body: 'x' }],
      }),
    );
    expect(readWidgetDrafts(storage, 'u1')).toEqual({ composer: { t1: 'ok' }, outbox: drafts.outbox });
  });

  it('reports a storage that refuses instead of throwing into the machine', () => {
    const storage: WidgetDraftStorage = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    expect(readWidgetDrafts(storage, 'u1')).toEqual({});
    expect(writeWidgetDrafts(storage, 'u1', drafts)).toBeInstanceOf(Error);
    expect(writeWidgetDrafts(null, 'u1', drafts)).toBeUndefined();
  });
});

describe('createDeflectionRecorder', () => {
  const step = (query: string): DeflectionEvent => ({
    type: 'search',
    sessionId: 's1',
    at: '2026-01-01T10:00:00.000Z',
    query,
    resultCount: 0,
  });

  function fakeTierdesk(
    recordDeflection: (input: { body: { events: DeflectionEvent[] } }) => Promise<unknown>,
  ) {
    const client = { recordDeflection } as unknown as TierdeskClient;
    const value: TierdeskContextValue = { client, identity: 'u1', queryClient: new QueryClient() };
    return () => value;
  }

  it('batches steps into one call, and keeps them through a network failure for the next flush', async () => {
    vi.useFakeTimers();
    try {
      const calls: string[][] = [];
      let fail = true;
      const recorder = createDeflectionRecorder(
        fakeTierdesk(async ({ body }) => {
          if (fail) throw new TierdeskError('network', 'down');
          calls.push(body.events.map((e) => (e.type === 'search' ? e.query : e.type)));
          return { ok: true };
        }),
        { batchMs: 100 },
      );
      recorder.record(step('a'));
      recorder.record(step('b'));
      await vi.advanceTimersByTimeAsync(100);
      expect(calls).toEqual([]);
      fail = false;
      recorder.record(step('c'));
      await vi.advanceTimersByTimeAsync(100);
      expect(calls).toEqual([['a', 'b', 'c']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves ticket.created to the server, which refuses it from clients', async () => {
    const sent: string[][] = [];
    const recorder = createDeflectionRecorder(
      fakeTierdesk(async ({ body }) => {
        sent.push(body.events.map((e) => e.type));
        return { ok: true };
      }),
    );
    recorder.record(step('export'));
    recorder.record({
      type: 'ticket.created',
      sessionId: 's1',
      at: '2026-01-01T10:00:01.000Z',
      ticketId: 't1',
    });
    await recorder.flush();
    expect(sent).toEqual([['search']]);
  });

  it('reports a batch the server refused, and splits more than 50 steps', async () => {
    const errors: string[] = [];
    const sizes: number[] = [];
    let refuse = true;
    const recorder = createDeflectionRecorder(
      fakeTierdesk(async ({ body }) => {
        if (refuse) {
          refuse = false;
          throw new TierdeskError('validation_failed', 'bad');
        }
        sizes.push(body.events.length);
        return { ok: true };
      }),
      { onError: (error, events) => errors.push(`${error.code}:${events.length}`) },
    );
    for (let i = 0; i < 2; i++) recorder.record(step(`x${i}`));
    await recorder.flush();
    expect(errors).toEqual(['validation_failed:2']);
    for (let i = 0; i < 120; i++) recorder.record(step(`y${i}`));
    await recorder.flush();
    expect(sizes).toEqual([50, 50, 20]);
  });
});
