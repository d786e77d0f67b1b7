import { expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { isWebhookError } from './webhook.errors';
import {
  enqueueWebhookEvent,
  enqueueWebhookEvents,
  OUTBOX_CHANNEL,
  type WebhookEvent,
} from './webhook.outbox';

const event: WebhookEvent = {
  id: 'evt_tkt_1_1',
  type: 'ticket.created',
  timestamp: '2025-03-01T10:00:00.000Z',
  data: { ticketId: 'tkt_1', subject: 'Hallo Wëlt' },
};

describeStores('enqueueWebhookEvent', ({ db }) => {
  it('writes a webhook outbox row and notifies at COMMIT, not before', async () => {
    const payloads: string[] = [];
    const unlisten = await db().listen(OUTBOX_CHANNEL, (payload) => payloads.push(payload));
    try {
      let seenInside = -1;
      await db().transaction(async (tx) => {
        await enqueueWebhookEvent(tx, 'ws_1', event);
        await new Promise((resolve) => setTimeout(resolve, 50));
        seenInside = payloads.length;
      });
      expect(seenInside).toBe(0);
      await expect.poll(() => payloads, { timeout: 5_000 }).toEqual(['webhook']);
    } finally {
      await unlisten();
    }
    const { rows } = await db().query<{ workspace_id: string; topic: string; payload: unknown }>(
      'SELECT workspace_id, topic, payload FROM outbox',
    );
    expect(rows).toEqual([{ workspace_id: 'ws_1', topic: 'webhook', payload: event }]);
  });

  it('leaves nothing behind when the transaction rolls back', async () => {
    const payloads: string[] = [];
    const unlisten = await db().listen(OUTBOX_CHANNEL, (payload) => payloads.push(payload));
    try {
      const failure = new Error('the ticket change failed');
      await expect(
        db().transaction(async (tx) => {
          await enqueueWebhookEvent(tx, 'ws_1', event);
          throw failure;
        }),
      ).rejects.toBe(failure);
      // A notification that was going to arrive would have by the time a later one does.
      await db().notify(OUTBOX_CHANNEL, 'probe');
      await expect.poll(() => payloads, { timeout: 5_000 }).toContain('probe');
      expect(payloads).toEqual(['probe']);
    } finally {
      await unlisten();
    }
    const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM outbox');
    expect(rows[0]?.n).toBe(0);
  });

  it.each([
    ['an empty id', { ...event, id: '' }],
    ['an id with a newline', { ...event, id: 'evt\n1' }],
    ['no type', { ...event, type: '' }],
    ['a timestamp that is no date', { ...event, timestamp: 'yesterday' }],
    ['data that is not JSON', { ...event, data: { n: 1n } }],
  ])('refuses an event with %s and writes nothing', async (_, bad) => {
    const error = await enqueueWebhookEvent(db(), 'ws_1', bad as WebhookEvent).catch((e: unknown) => e);
    expect(isWebhookError(error) && error.code).toBe('invalid_event');
    const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM outbox');
    expect(rows[0]?.n).toBe(0);
  });

  it('queues the events of one change in their order with one statement and one notification', async () => {
    const events = [1, 2, 3].map((seq) => ({ ...event, id: `evt_tkt_1_${seq}`, type: `ticket.step.${seq}` }));
    const payloads: string[] = [];
    const unlisten = await db().listen(OUTBOX_CHANNEL, (payload) => payloads.push(payload));
    try {
      await db().transaction((tx) => enqueueWebhookEvents(tx, 'ws_1', events));
      await db().notify(OUTBOX_CHANNEL, 'probe');
      await expect.poll(() => payloads, { timeout: 5_000 }).toContain('probe');
      expect(payloads).toEqual(['webhook', 'probe']);
    } finally {
      await unlisten();
    }
    const { rows } = await db().query<{ payload: WebhookEvent }>('SELECT payload FROM outbox ORDER BY id');
    expect(rows.map((r) => r.payload)).toEqual(events);
  });

  it('writes none of a batch when one of its events is malformed, and nothing for an empty batch', async () => {
    const error = await enqueueWebhookEvents(db(), 'ws_1', [event, { ...event, id: '' }]).catch(
      (e: unknown) => e,
    );
    expect(isWebhookError(error) && error.code).toBe('invalid_event');
    await enqueueWebhookEvents(db(), 'ws_1', []);
    const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM outbox');
    expect(rows[0]?.n).toBe(0);
  });
});
