import { expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { notifyTimelineAppended, parseTimelineNotification, REALTIME_CHANNEL } from './timeline.notify';

it('reads only well-formed payloads', () => {
  expect(parseTimelineNotification('{"workspaceId":"ws_1"}')).toEqual({ workspaceId: 'ws_1' });
  for (const payload of ['', 'ws_1', 'null', '[]', '{}', '{"workspaceId":""}', '{"workspaceId":7}']) {
    expect(parseTimelineNotification(payload), payload).toBeUndefined();
  }
});

describeStores('notifyTimelineAppended', ({ db }) => {
  it('is delivered at COMMIT, once per transaction, and never on ROLLBACK', async () => {
    // The channel is the database's, shared with every other test file running on it at the same time
    // (and with other deployments): only this test's own workspaces count.
    const own = `ws_notify_${Math.random().toString(36).slice(2)}`;
    const received: string[] = [];
    const unlisten = await db().listen(REALTIME_CHANNEL, (payload) => {
      if (parseTimelineNotification(payload)?.workspaceId.startsWith(own)) received.push(payload);
    });
    try {
      await expect(
        db().transaction(async (tx) => {
          await notifyTimelineAppended(tx, `${own}_rolled_back`);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await db().transaction(async (tx) => {
        await notifyTimelineAppended(tx, own);
        await notifyTimelineAppended(tx, own);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(received).toEqual([]);
      });
      await expect.poll(() => received.length).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.map(parseTimelineNotification)).toEqual([{ workspaceId: own }]);
    } finally {
      await unlisten();
    }
  });
});
