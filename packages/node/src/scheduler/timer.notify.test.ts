import { expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { isTimerSchedulerError } from './timer.errors';
import { formatTimersPayload, notifyTimersChanged, parseTimersPayload, TIMERS_CHANNEL } from './timer.notify';
import { sleep, waitFor } from './timer.test-support';

describeStores('notifyTimersChanged', ({ db }) => {
  it('is delivered at COMMIT and dropped on ROLLBACK', async () => {
    const received: string[] = [];
    const unlisten = await db().listen(TIMERS_CHANNEL, (payload) => received.push(payload));
    try {
      await db()
        .transaction(async (tx) => {
          await notifyTimersChanged(tx, 1_000);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      let deliveredBeforeCommit = false;
      await db().transaction(async (tx) => {
        await notifyTimersChanged(tx, 1_767_603_600_000.7);
        await sleep(50);
        deliveredBeforeCommit = received.length > 0;
      });
      await waitFor('the notification', () => received.length > 0, 3_000, 10);
      await sleep(50);
      expect(deliveredBeforeCommit).toBe(false);
      expect(received).toEqual(['1767603600000']);
    } finally {
      await unlisten();
    }
  });

  it('sends nothing for a ticket left without timers', async () => {
    const received: string[] = [];
    const unlisten = await db().listen(TIMERS_CHANNEL, (payload) => received.push(payload));
    try {
      await db().transaction((tx) => notifyTimersChanged(tx, null));
      await sleep(100);
      expect(received).toEqual([]);
    } finally {
      await unlisten();
    }
  });

  it('rejects a due time that is not a finite number as a typed error', async () => {
    const error = await db()
      .transaction((tx) => notifyTimersChanged(tx, Number.NaN))
      .catch((e: unknown) => e);
    expect(isTimerSchedulerError(error) && error.code).toBe('invalid_argument');
  });
});

it('formats and parses payloads as integer epoch ms, refusing anything else', () => {
  expect(formatTimersPayload(1_767_603_600_000.9)).toBe('1767603600000');
  expect(parseTimersPayload('1767603600000')).toBe(1_767_603_600_000);
  expect(parseTimersPayload('-5')).toBe(-5);
  for (const bad of ['', 'soon', '1e12', '12.5', '{"due":1}', '99999999999999999']) {
    expect(parseTimersPayload(bad)).toBeUndefined();
  }
});
