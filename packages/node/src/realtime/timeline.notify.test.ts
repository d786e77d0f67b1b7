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
    const received: string[] = [];
    const unlisten = await db().listen(REALTIME_CHANNEL, (payload) => received.push(payload));
    try {
      await expect(
        db().transaction(async (tx) => {
          await notifyTimelineAppended(tx, 'ws_rolled_back');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      await db().transaction(async (tx) => {
        await notifyTimelineAppended(tx, 'ws_1');
        await notifyTimelineAppended(tx, 'ws_1');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(received).toEqual([]);
      });
      await expect.poll(() => received.length).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.map(parseTimelineNotification)).toEqual([{ workspaceId: 'ws_1' }]);
    } finally {
      await unlisten();
    }
  });
});
