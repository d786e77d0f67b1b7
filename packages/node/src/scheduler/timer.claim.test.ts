import { beforeEach, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { type ClaimOutcome, claimAndFire, describeError } from './timer.claim';
import {
  countTimers,
  createManualClock,
  insertTimers,
  type ManualClock,
  readFired,
  recordingFire,
  seedTickets,
} from './timer.test-support';
import type { FireTimer } from './timer.types';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

interface TimerState {
  [column: string]: unknown;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  fire_at: Date;
}

describeStores('claimAndFire', ({ db }) => {
  let clock: ManualClock;
  const retryDelayMs = (attempts: number): number => 1_000 * attempts;
  const deps = (fire: FireTimer) => ({ db: db(), clock, fire, retryDelayMs });
  /** Claims one timer in its own transaction; `none` when nothing was due. */
  const claim = async (fire: FireTimer): Promise<ClaimOutcome | { kind: 'none' }> => {
    const outcomes = await claimAndFire(deps(fire), 1);
    expect(outcomes.length).toBeLessThanOrEqual(1);
    return outcomes[0] ?? { kind: 'none' };
  };
  const timerState = async (ticketId: string, key: string): Promise<TimerState | undefined> => {
    const { rows } = await db().query<TimerState>(
      'SELECT attempts, last_error, next_attempt_at, fire_at FROM timers WHERE ticket_id = $1 AND key = $2',
      [ticketId, key],
    );
    return rows[0];
  };

  beforeEach(async () => {
    clock = createManualClock(T0);
    await seedTickets(db(), 3);
  });

  it('never fires before the due time and fires at it, exactly once', async () => {
    await insertTimers(db(), [{ ticketId: 't1', key: 'sla.breach', dueAt: T0 + 5_000 }]);
    const fire = recordingFire(clock, 'a');

    clock.set(T0 + 4_999);
    expect(await claim(fire)).toEqual({ kind: 'none' });
    clock.set(T0 + 5_000);
    const outcome = await claim(fire);
    expect(outcome).toMatchObject({
      kind: 'fired',
      timer: { ticketId: 't1', key: 'sla.breach', workspaceId: 'ws_sched', dueAt: T0 + 5_000, attempt: 1 },
    });
    expect(await claim(fire)).toEqual({ kind: 'none' });
    expect(await countTimers(db())).toBe(0);
    expect((await readFired(db())).map((r) => r.key)).toEqual(['sla.breach']);
  });

  it('claims the most overdue timer first', async () => {
    await insertTimers(db(), [
      { ticketId: 't1', key: 'late', dueAt: T0 - 1_000 },
      { ticketId: 't2', key: 'later', dueAt: T0 - 5_000 },
      { ticketId: 't3', key: 'future', dueAt: T0 + 1 },
    ]);
    const fire = recordingFire(clock, 'a');
    const keys: string[] = [];
    for (let outcome = await claim(fire); outcome.kind !== 'none'; outcome = await claim(fire)) {
      if (outcome.kind === 'fired') keys.push(outcome.timer.key);
    }
    expect(keys).toEqual(['later', 'late']);
    expect(await countTimers(db())).toBe(1);
  });

  it('lets fire insert the next timer of the same ticket, even under the same key', async () => {
    await insertTimers(db(), [{ ticketId: 't1', key: 'sla.warning', dueAt: T0 }]);
    const outcome = await claim(async (tx, timer) => {
      await insertTimers(tx, [
        { ticketId: timer.ticketId, key: 'sla.breach', dueAt: T0 + 60_000 },
        { ticketId: timer.ticketId, key: 'sla.warning', dueAt: T0 + 120_000 },
      ]);
    });
    expect(outcome.kind).toBe('fired');
    const { rows } = await db().query<{ key: string; due_at: Date }>(
      'SELECT key, due_at FROM timers ORDER BY key',
    );
    expect(rows.map((r) => [r.key, r.due_at.getTime()])).toEqual([
      ['sla.breach', T0 + 60_000],
      ['sla.warning', T0 + 120_000],
    ]);
  });

  it('rolls back what a throwing fire wrote, keeps the timer and records the failure for a later retry', async () => {
    await insertTimers(db(), [{ ticketId: 't1', key: 'auto_close', dueAt: T0 }]);
    const fire: FireTimer = async (tx, timer) => {
      // Written first, so it is the rollback that removes them.
      await recordingFire(clock, 'a')(tx, timer);
      await tx.query('UPDATE tickets SET status = $1 WHERE id = $2', ['closed', timer.ticketId]);
      throw new Error('the ticket machine refused the event');
    };

    const outcome = await claim(fire);
    expect(outcome).toMatchObject({ kind: 'failed', nextAttemptAt: T0 + 1_000, timer: { attempt: 1 } });
    expect(await readFired(db())).toEqual([]);
    const { rows } = await db().query<{ status: string }>('SELECT status FROM tickets WHERE id = $1', ['t1']);
    expect(rows[0]?.status).toBe('open');
    expect(await timerState('t1', 'auto_close')).toEqual({
      attempts: 1,
      last_error: 'Error: the ticket machine refused the event',
      next_attempt_at: new Date(T0 + 1_000),
      fire_at: new Date(T0 + 1_000),
    });

    // Not before the back-off, then again with attempt 2 and a doubled back-off, then successfully.
    clock.set(T0 + 999);
    expect(await claim(fire)).toEqual({ kind: 'none' });
    clock.set(T0 + 1_000);
    expect(await claim(fire)).toMatchObject({
      kind: 'failed',
      nextAttemptAt: T0 + 3_000,
      timer: { attempt: 2 },
    });
    expect((await timerState('t1', 'auto_close'))?.attempts).toBe(2);
    clock.set(T0 + 3_000);
    const fired = await claim(recordingFire(clock, 'a'));
    expect(fired).toMatchObject({ kind: 'fired', timer: { attempt: 3, dueAt: T0 } });
    expect(await countTimers(db())).toBe(0);
    expect((await readFired(db())).map((r) => r.attempt)).toEqual([3]);
  });

  it('recovers from a fire that broke the transaction with an SQL error', async () => {
    await insertTimers(db(), [{ ticketId: 't1', key: 'k', dueAt: T0 }]);
    const outcome = await claim(async (tx, timer) => {
      await recordingFire(clock, 'a')(tx, timer);
      await tx.query('SELECT 1 / 0');
    });
    expect(outcome.kind).toBe('failed');
    expect((await timerState('t1', 'k'))?.last_error).toMatch(/division by zero/);
    expect(await readFired(db())).toEqual([]);
  });

  it('treats a fire that swallowed an SQL error as failed instead of committing a silent rollback', async () => {
    await insertTimers(db(), [{ ticketId: 't1', key: 'k', dueAt: T0 }]);
    const outcome = await claim(async (tx, timer) => {
      await recordingFire(clock, 'a')(tx, timer);
      await tx.query('SELECT 1 / 0').catch(() => undefined);
    });
    expect(outcome.kind).toBe('failed');
    expect((await timerState('t1', 'k'))?.attempts).toBe(1);
    expect(await readFired(db())).toEqual([]);
  });

  it('records a failure whose transaction could not commit in a transaction of its own', async () => {
    await insertTimers(db(), [{ ticketId: 't1', key: 'k', dueAt: T0 }]);
    // A deferred constraint fails at COMMIT, after fire returned and the savepoint was released.
    const outcome = await claim(async (tx) => {
      await tx.query(
        'CREATE TEMP TABLE IF NOT EXISTS strict_check (v int UNIQUE DEFERRABLE INITIALLY DEFERRED)',
      );
      await tx.query('INSERT INTO strict_check VALUES (1), (1)');
    });
    expect(outcome.kind).toBe('failed');
    const state = await timerState('t1', 'k');
    expect(state?.attempts).toBe(1);
    expect(state?.last_error).toMatch(/strict_check|duplicate/);
  });

  it('fires a batch in one transaction where a failing timer rolls back alone', async () => {
    await insertTimers(db(), [
      { ticketId: 't1', key: 'a', dueAt: T0 - 3 },
      { ticketId: 't2', key: 'b', dueAt: T0 - 2 },
      { ticketId: 't3', key: 'c', dueAt: T0 - 1 },
    ]);
    const outcomes = await claimAndFire(
      deps(
        recordingFire(clock, 'a', async (tx, timer) => {
          if (timer.key !== 'b') return;
          await tx.query('UPDATE tickets SET status = $1', ['broken']);
          throw new Error('b fails');
        }),
      ),
      10,
    );
    expect(outcomes.map((o) => [o.timer.key, o.kind])).toEqual([
      ['a', 'fired'],
      ['b', 'failed'],
      ['c', 'fired'],
    ]);
    expect((await readFired(db())).map((r) => r.key).sort()).toEqual(['a', 'c']);
    expect(await timerState('t2', 'b')).toMatchObject({ attempts: 1, last_error: 'Error: b fails' });
    const { rows } = await db().query<{ n: number }>(
      "SELECT count(*) AS n FROM tickets WHERE status = 'broken'",
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('undoes the whole batch when its transaction fails as a whole, leaving every timer untouched', async () => {
    await insertTimers(db(), [
      { ticketId: 't1', key: 'a', dueAt: T0 - 2 },
      { ticketId: 't2', key: 'b', dueAt: T0 - 1 },
    ]);
    const error = await claimAndFire(
      deps(
        recordingFire(clock, 'a', async (tx, timer) => {
          if (timer.key !== 'b') return;
          await tx.query(
            'CREATE TEMP TABLE IF NOT EXISTS strict_check (v int UNIQUE DEFERRABLE INITIALLY DEFERRED)',
          );
          await tx.query('INSERT INTO strict_check VALUES (1), (1)');
        }),
      ),
      10,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'conflict' });
    expect(await readFired(db())).toEqual([]);
    expect((await timerState('t1', 'a'))?.attempts).toBe(0);
    expect((await timerState('t2', 'b'))?.attempts).toBe(0);
  });

  it('leaves a timer alone whose due time the ticket moved: the new due time starts afresh', async () => {
    await insertTimers(db(), [{ ticketId: 't1', key: 'k', dueAt: T0 }]);
    await claim(async () => {
      throw new Error('nope');
    });
    expect((await timerState('t1', 'k'))?.attempts).toBe(1);
    // The same due time again (the service rewrites all timers of a ticket): the back-off stays.
    await insertTimers(db(), [{ ticketId: 't1', key: 'k', dueAt: T0 }]);
    expect((await timerState('t1', 'k'))?.attempts).toBe(1);
    // A new due time, even an earlier one: attempts and back-off are reset by migration 004's trigger.
    await insertTimers(db(), [{ ticketId: 't1', key: 'k', dueAt: T0 - 10 }]);
    expect(await timerState('t1', 'k')).toEqual({
      attempts: 0,
      last_error: null,
      next_attempt_at: null,
      fire_at: new Date(T0 - 10),
    });
    expect(await claim(recordingFire(clock, 'a'))).toMatchObject({ kind: 'fired', timer: { attempt: 1 } });
  });

  it('keeps due times finer than a millisecond intact when claiming and failing', async () => {
    await db().query(
      `INSERT INTO timers (ticket_id, key, workspace_id, due_at)
       VALUES ('t1', 'k', 'ws_sched', timestamptz 'epoch' + $1::bigint * interval '1 microsecond')`,
      [T0 * 1_000 + 999],
    );
    clock.set(T0 + 1);
    expect((await claim(async () => Promise.reject(new Error('x')))).kind).toBe('failed');
    expect((await timerState('t1', 'k'))?.attempts).toBe(1);
    clock.set(T0 + 10_000);
    expect(await claim(recordingFire(clock, 'a'))).toMatchObject({ kind: 'fired', timer: { dueAt: T0 } });
  });
});

it('describes any thrown value in one bounded line', () => {
  expect(describeError(Object.assign(new Error('boom'), { code: 'conflict' }))).toBe(
    'Error [conflict]: boom',
  );
  expect(describeError('plain')).toBe('plain');
  expect(describeError(new Error('x'.repeat(5_000))).length).toBe(2_000);
});
