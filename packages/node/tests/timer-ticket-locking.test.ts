import { afterEach, expect, it } from 'vitest';
import { systemClock } from '../src/clock';
import { silentLogger } from '../src/logger';
import {
  createTimerScheduler,
  type FireTimer,
  notifyTimersChanged,
  type TimerScheduler,
} from '../src/scheduler';
import { claimAndFire } from '../src/scheduler/timer.claim';
import {
  countingDatabase,
  countTimers,
  createManualClock,
  createRecordingLogger,
  insertTimers,
  type RecordingLogger,
  readFired,
  recordingFire,
  seedTickets,
  sleep,
  TEST_WORKSPACE,
  waitFor,
} from '../src/scheduler/timer.test-support';
import type { SqlDatabase, SqlExecutor } from '../src/store';
import { describeStores } from './support/databases';

// The scheduler's claim against the ticket service's locking order: a request locks the ticket row
// (loadTicketForUpdate) and then rewrites that ticket's timer rows (replaceTimers), while a fire
// locks the ticket row inside the claiming transaction. These tests play the request with the same SQL.

/** A fire that, like the ticket service's dispatchIn, locks its ticket first (and fails without one). */
function ticketFire(name: string): FireTimer {
  return recordingFire(systemClock, name, async (tx, timer) => {
    const { rows } = await tx.query(`SELECT id FROM tickets WHERE workspace_id = $1 AND id = $2 FOR UPDATE`, [
      timer.workspaceId,
      timer.ticketId,
    ]);
    if (rows.length === 0) throw new Error(`No such ticket: ${timer.ticketId}`);
  });
}

/** The statements of ticket.store.ts `replaceTimers`: delete the other keys, upsert the given ones. */
async function replaceTimers(
  tx: SqlExecutor,
  ticketId: string,
  timers: ReadonlyArray<{ key: string; dueAt: number }>,
): Promise<void> {
  await tx.query('DELETE FROM timers WHERE ticket_id = $1 AND NOT (key = ANY($2::text[]))', [
    ticketId,
    timers.map((t) => t.key),
  ]);
  await tx.query(
    `INSERT INTO timers (ticket_id, key, workspace_id, due_at)
     SELECT $1, t.key, $2, t.due_at FROM jsonb_to_recordset($3::jsonb) AS t(key text, due_at timestamptz)
     ON CONFLICT (ticket_id, key) DO UPDATE SET due_at = EXCLUDED.due_at
       WHERE timers.due_at IS DISTINCT FROM EXCLUDED.due_at`,
    [
      ticketId,
      TEST_WORKSPACE,
      JSON.stringify(timers.map((t) => ({ key: t.key, due_at: new Date(t.dueAt).toISOString() }))),
    ],
  );
}

/** A transaction on `db` that locks a ticket row until `release()`, which runs `beforeCommit` and awaits COMMIT. */
async function holdTicket(
  db: SqlDatabase,
  ticketId: string,
  beforeCommit?: (tx: SqlExecutor) => Promise<void>,
): Promise<{ release(): Promise<number> }> {
  let letGo: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  let locked: () => void = () => {};
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = db.transaction(async (tx) => {
    await tx.query('SELECT id FROM tickets WHERE id = $1 FOR UPDATE', [ticketId]);
    locked();
    await released;
    await beforeCommit?.(tx);
  });
  // A failure before the lock would otherwise leave the caller waiting forever.
  await Promise.race([isLocked, done]);
  return {
    async release() {
      letGo();
      await done;
      return Date.now();
    },
  };
}

/** Warnings and errors a logger received (a deadlock would show up as a failed fire or a failed run). */
function problems(logger: RecordingLogger): string[] {
  return logger.records
    .filter((r) => r.level === 'warn' || r.level === 'error')
    .map((r) => `${r.message} ${JSON.stringify(r.fields)}`);
}

function busyRounds(logger: RecordingLogger): number {
  return logger.records.filter((r) => r.message.startsWith('due timers skipped')).length;
}

/** Writes a timer whose ticket row does not exist, past the foreign key (as a replica-mode load could). */
async function insertOrphanTimer(
  db: SqlDatabase,
  ticketId: string,
  key: string,
  dueAt: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(
      `INSERT INTO timers (ticket_id, key, workspace_id, due_at)
       VALUES ($1, $2, $3, timestamptz 'epoch' + $4::bigint * interval '1 millisecond')`,
      [ticketId, key, TEST_WORKSPACE, dueAt],
    );
  });
}

describeStores('timers against ticket locks', ({ db, kind, openAnother }) => {
  // Interleaving needs a second connection: PGlite has one, its transactions never overlap.
  const pgOnly = it.skipIf(kind !== 'postgres');
  const running: TimerScheduler[] = [];
  const start = async (
    name: string,
    instanceDb: SqlDatabase,
    logger: RecordingLogger,
    retryDelayMs = 1_000,
  ): Promise<TimerScheduler> => {
    const scheduler = createTimerScheduler({
      db: instanceDb,
      clock: systemClock,
      logger,
      fire: ticketFire(name),
      retryDelayMs,
    });
    running.push(scheduler);
    await scheduler.start();
    return scheduler;
  };

  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  pgOnly(
    'a request holding the ticket and rewriting its timers meets a due fire without deadlock; it fires once right after',
    async () => {
      await seedTickets(db(), 1);
      const dueAt = Date.now() + 300;
      await insertTimers(db(), [{ ticketId: 't1', key: 'sla', dueAt }]);
      // Two scheduler instances (pools of their own) and the request on a third pool.
      const loggers = [createRecordingLogger(), createRecordingLogger()] as const;
      await start('one', db(), loggers[0]);
      await start('two', await openAnother(), loggers[1]);
      const request = await openAnother();

      const held = await holdTicket(request, 't1', async (tx) => {
        // The same due time: the timer stays due, and ON CONFLICT still locks its row, as replaceTimers does.
        await replaceTimers(tx, 't1', [{ key: 'sla', dueAt }]);
        // As every ticket write does: the schedulers hear of it at COMMIT and look at once.
        await notifyTimersChanged(tx, dueAt);
        // Past PostgreSQL's 1 s deadlock_timeout, so a claim waiting for this ticket would be reported.
        await sleep(1_300);
      });
      // Let the timer fall due and both schedulers find its ticket busy, then touch the timer rows.
      await sleep(dueAt - Date.now() + 400);
      expect(await readFired(db())).toHaveLength(0);
      const committedAt = await held.release();

      await waitFor('the fire after the commit', async () => (await readFired(db())).length > 0, 5_000, 5);
      await sleep(300);
      const fired = await readFired(db());
      expect(fired).toHaveLength(1);
      const row = fired[0];
      if (row === undefined) throw new Error('unreachable');
      const delayMs = row.fired_at_ms - committedAt;
      const rounds = loggers.map(busyRounds);
      console.info(
        `[${kind}] fired ${Math.round(delayMs)} ms after the request committed (held ${Math.round(committedAt - dueAt)} ms past due; busy rounds ${rounds.join(' + ')})`,
      );
      expect(row.fired_at_ms).toBeGreaterThanOrEqual(dueAt);
      expect(row.attempt).toBe(1);
      // The commit's notification wakes the schedulers: no need to wait out the busy back-off.
      expect(delayMs).toBeLessThan(300);
      expect(loggers.flatMap(problems)).toEqual([]);
      // Retried while busy, gently: 20 ms doubling to 500 ms is about 8 rounds in the ~2 s held, not a hot loop.
      expect(rounds.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
      for (const n of rounds) expect(n).toBeLessThanOrEqual(15);
      expect(await countTimers(db())).toBe(0);
    },
  );

  pgOnly(
    'claims around a busy ticket without waiting for it, and the busy one does not count against the limit',
    async () => {
      await seedTickets(db(), 2);
      const clock = createManualClock(Date.now());
      const t0 = clock.now();
      await insertTimers(db(), [
        { ticketId: 't1', key: 'first', dueAt: t0 - 2_000 },
        { ticketId: 't2', key: 'second', dueAt: t0 - 1_000 },
      ]);
      const probe = await openAnother();
      // Seen from outside while the claiming transaction is open: could anyone lock t1's timer row?
      const t1TimerFreeDuringFire: boolean[] = [];
      const fire: FireTimer = async (tx, timer) => {
        const { rows } = await probe.query(
          `SELECT key FROM timers WHERE ticket_id = 't1' FOR UPDATE SKIP LOCKED`,
        );
        t1TimerFreeDuringFire.push(rows.length === 1);
        await ticketFire('claim')(tx, timer);
      };
      const deps = { db: db(), clock, fire, retryDelayMs: () => 60_000 };
      const held = await holdTicket(await openAnother(), 't1');
      try {
        const startedAt = Date.now();
        const outcomes = await claimAndFire(deps, 1);
        const tookMs = Date.now() - startedAt;
        console.info(`[${kind}] claim next to a held ticket took ${tookMs} ms`);
        expect(outcomes.map((o) => [o.kind, o.timer.ticketId])).toEqual([['fired', 't2']]);
        expect(tookMs).toBeLessThan(500);
        // The ticket is tried before the timer: the skipped timer's row is not kept locked by the batch.
        expect(t1TimerFreeDuringFire).toEqual([true]);
        // Skipped, not failed: no attempt recorded, no back-off.
        const { rows } = await db().query<{ attempts: number; next_attempt_at: Date | null }>(
          'SELECT attempts, next_attempt_at FROM timers WHERE ticket_id = $1',
          ['t1'],
        );
        expect(rows).toEqual([{ attempts: 0, next_attempt_at: null }]);
        expect(await claimAndFire(deps, 50)).toEqual([]);
      } finally {
        await held.release();
      }
      const after = await claimAndFire(deps, 50);
      expect(after.map((o) => [o.kind, o.timer.ticketId])).toEqual([['fired', 't1']]);
    },
  );

  pgOnly('keeps the other tickets’ timers on time while one ticket stays busy', async () => {
    await seedTickets(db(), 2);
    const now = Date.now();
    const busyDue = now + 100;
    // Due once the busy back-off has grown to 500 ms: it must fire on its own wake-up, not the next poll.
    const otherDue = now + 1_500;
    await insertTimers(db(), [
      { ticketId: 't1', key: 'busy', dueAt: busyDue },
      { ticketId: 't2', key: 'other', dueAt: otherDue },
    ]);
    const logger = createRecordingLogger();
    await start('one', db(), logger);
    const held = await holdTicket(await openAnother(), 't1');
    await waitFor('the other timer', async () => (await readFired(db())).length > 0, 5_000, 10);
    const committedAt = await held.release();
    await waitFor('the busy timer', async () => (await readFired(db())).length === 2, 5_000, 5);
    const fired = await readFired(db());
    const other = fired.find((r) => r.key === 'other');
    const busy = fired.find((r) => r.key === 'busy');
    const lateness = (other?.fired_at_ms ?? Number.NaN) - otherDue;
    console.info(
      `[${kind}] other ticket's timer ${Math.round(lateness)} ms late; busy one fired ${Math.round((busy?.fired_at_ms ?? Number.NaN) - committedAt)} ms after release`,
    );
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(150);
    expect(busy?.fired_at_ms).toBeGreaterThanOrEqual(committedAt);
    // No notification from this request: the busy back-off alone finds it (at most 500 ms) plus slack.
    expect((busy?.fired_at_ms ?? Number.NaN) - committedAt).toBeLessThan(800);
    expect(problems(logger)).toEqual([]);
  });

  it('does not strand a timer whose ticket row is gone: it goes through fire like any other', async () => {
    await seedTickets(db(), 1);
    const clock = createManualClock(Date.now());
    const t0 = clock.now();
    await insertOrphanTimer(db(), 'gone', 'orphan', t0 - 5_000);
    await insertTimers(db(), [{ ticketId: 't1', key: 'normal', dueAt: t0 - 1_000 }]);
    const outcomes = await claimAndFire(
      { db: db(), clock, fire: recordingFire(clock, 'claim'), retryDelayMs: () => 60_000 },
      50,
    );
    // Claimed-with-ticket first, then the orphan.
    expect(outcomes.map((o) => [o.kind, o.timer.ticketId, o.timer.key])).toEqual([
      ['fired', 't1', 'normal'],
      ['fired', 'gone', 'orphan'],
    ]);
    expect(await countTimers(db())).toBe(0);
  });

  it('lets an orphaned timer fail and back off instead of keeping the scheduler polling', async () => {
    const counted = countingDatabase(db());
    const logger = createRecordingLogger();
    await insertOrphanTimer(db(), 'gone', 'orphan', Date.now() - 1_000);
    await start('one', counted, logger, 60_000);
    await waitFor('the failed fire', () => problems(logger).length > 0, 5_000, 10);
    await sleep(200);
    const settled = counted.statements;
    await sleep(800);
    expect(counted.statements).toBe(settled);
    expect(busyRounds(logger)).toBe(0);
    const { rows } = await db().query<{ attempts: number; last_error: string }>(
      'SELECT attempts, last_error FROM timers',
    );
    expect(rows).toEqual([{ attempts: 1, last_error: expect.stringContaining('No such ticket: gone') }]);
  });

  it('sleeps with no query once the busy ticket is released and nothing else is due', async () => {
    await seedTickets(db(), 1);
    const counted = countingDatabase(db());
    await insertTimers(db(), [{ ticketId: 't1', key: 'soon', dueAt: Date.now() + 100 }]);
    const scheduler = createTimerScheduler({
      db: counted,
      clock: systemClock,
      logger: silentLogger,
      fire: ticketFire('one'),
    });
    running.push(scheduler);
    await scheduler.start();
    await waitFor('the fire', async () => (await readFired(db())).length === 1, 5_000, 10);
    await sleep(200);
    const settled = counted.statements;
    await sleep(700);
    expect(counted.statements).toBe(settled);
  });
});
