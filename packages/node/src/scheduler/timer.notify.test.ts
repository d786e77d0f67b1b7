import { expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import type { SqlExecutor } from '../store';
import { isTimerSchedulerError } from './timer.errors';
import { formatTimersPayload, notifyTimersChanged, parseTimersPayload, TIMERS_CHANNEL } from './timer.notify';
import { sleep, waitFor } from './timer.test-support';

describeStores('notifyTimersChanged', ({ db }) => {
  it('is delivered at COMMIT and dropped on ROLLBACK', async () => {
    // The channel is the database's, shared with every test file writing timers at the same time:
    // only this test's two due times count.
    const received: string[] = [];
    const unlisten = await db().listen(TIMERS_CHANNEL, (payload) => {
      if (payload === '1000' || payload === '1767603600000') received.push(payload);
    });
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
    // Checked on the statements it issues: other test files notify on the same channel meanwhile, so
    // silence on the channel would prove nothing either way.
    const statements: string[] = [];
    await db().transaction(async (tx) => {
      const recording: SqlExecutor = {
        query: (sql, params) => {
          statements.push(sql);
          return tx.query(sql, params);
        },
      } as SqlExecutor;
      await notifyTimersChanged(recording, null);
      await notifyTimersChanged(recording, 5_000);
    });
    expect(statements).toEqual(['SELECT pg_notify($1, $2)']);
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
