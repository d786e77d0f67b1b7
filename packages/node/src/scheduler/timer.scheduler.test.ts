import { afterEach, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { createAcceleratedClock, systemClock } from '../clock';
import { silentLogger } from '../logger';
import { type SqlDatabase, StoreError } from '../store';
import { isTimerSchedulerError } from './timer.errors';
import { notifyTimersChanged } from './timer.notify';
import { createTimerScheduler, type TimerScheduler, type TimerSchedulerOptions } from './timer.scheduler';
import {
  countingDatabase,
  countTimers,
  createRecordingLogger,
  insertTimers,
  readFired,
  recordingFire,
  seedTickets,
  sleep,
  type TestTimer,
  waitFor,
} from './timer.test-support';

const DAY_MS = 86_400_000;

describeStores('createTimerScheduler', ({ db, kind, openAnother }) => {
  const running: TimerScheduler[] = [];
  const scheduler = (options: Partial<TimerSchedulerOptions> & Pick<TimerSchedulerOptions, 'fire'>) => {
    const created = createTimerScheduler({ db: db(), clock: systemClock, logger: silentLogger, ...options });
    running.push(created);
    return created;
  };
  const firedCount = async (): Promise<number> => (await readFired(db())).length;
  /** Writes timers and notifies, in one transaction, the way the ticket service does. */
  const writeAndNotify = async (writer: SqlDatabase, timers: TestTimer[]): Promise<void> => {
    await writer.transaction(async (tx) => {
      await insertTimers(tx, timers);
      await notifyTimersChanged(tx, Math.min(...timers.map((t) => t.dueAt)));
    });
  };

  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });

  it('re-arms when another transaction adds an earlier timer and notifies, and only then', async () => {
    await seedTickets(db(), 3);
    const now = Date.now();
    await insertTimers(db(), [{ ticketId: 't1', key: 'far', dueAt: now + 3_600_000 }]);
    await scheduler({ fire: recordingFire(systemClock, 'a') }).start();
    await sleep(200);
    // Another instance's write (another pool on Postgres).
    const writer = kind === 'postgres' ? await openAnother() : db();

    // Control: committed without a notification, it waits for the safety scan (5 min) — no polling.
    await insertTimers(writer, [{ ticketId: 't2', key: 'silent', dueAt: Date.now() + 100 }]);
    await sleep(700);
    expect(await firedCount()).toBe(0);

    const dueAt = Date.now() + 300;
    await writeAndNotify(writer, [{ ticketId: 't3', key: 'notified', dueAt }]);
    await waitFor('the notified timer', async () => (await firedCount()) === 2, 5_000);
    const fired = await readFired(db());
    // The wake-up also takes the silent one, which is overdue by then.
    expect(fired.map((r) => r.key).sort()).toEqual(['notified', 'silent']);
    expect(fired.find((r) => r.key === 'notified')?.fired_at_ms).toBeGreaterThanOrEqual(dueAt);
    expect(await countTimers(db())).toBe(1);
  });

  it('fires on start what became due while no scheduler ran, in batches', async () => {
    const tickets = await seedTickets(db(), 120);
    const first = scheduler({ fire: recordingFire(systemClock, 'first') });
    await first.start();
    await first.stop();
    const now = Date.now();
    // Overdue rows written while nothing runs, without a notification: a restart must find them.
    await insertTimers(
      db(),
      tickets.flatMap((ticketId, i) => [
        { ticketId, key: 'a', dueAt: now - 60_000 + i },
        { ticketId, key: 'b', dueAt: now - 30_000 + i },
      ]),
    );
    await sleep(200);
    expect(await firedCount()).toBe(0);

    await scheduler({ fire: recordingFire(systemClock, 'second'), batchSize: 50 }).start();
    await waitFor('240 overdue fires', async () => (await firedCount()) === 240, 10_000);
    const fired = await readFired(db());
    expect(new Set(fired.map((r) => r.scheduler))).toEqual(new Set(['second']));
    expect(new Set(fired.map((r) => `${r.ticket_id}/${r.key}`)).size).toBe(240);
    expect(await countTimers(db())).toBe(0);
  });

  it('retries a failing fire with back-off without blocking the other timers or losing it', async () => {
    await seedTickets(db(), 4);
    const now = Date.now();
    const failures: number[] = [];
    const logger = createRecordingLogger();
    const fire = recordingFire(systemClock, 'a', async (_tx, timer) => {
      if (timer.ticketId === 't1' && timer.attempt <= 2) {
        failures.push(Date.now());
        throw new Error(`vendor API down (attempt ${timer.attempt})`);
      }
    });
    // t1 is the most overdue, so it is claimed first and fails first.
    await insertTimers(db(), [
      { ticketId: 't1', key: 'breach', dueAt: now - 3 },
      { ticketId: 't2', key: 'breach', dueAt: now - 2 },
      { ticketId: 't3', key: 'breach', dueAt: now - 1 },
      { ticketId: 't4', key: 'breach', dueAt: now + 300 },
    ]);
    await scheduler({ fire, logger, retryDelayMs: 150 }).start();
    await waitFor('all four fires', async () => (await firedCount()) === 4, 8_000);

    const fired = await readFired(db());
    const byTicket = new Map(fired.map((r) => [r.ticket_id, r]));
    expect(fired).toHaveLength(4);
    expect(byTicket.get('t1')?.attempt).toBe(3);
    expect(failures).toHaveLength(2);
    // The others did not wait for t1's retries.
    expect(byTicket.get('t2')?.fired_at_ms).toBeLessThan(failures[1] as number);
    expect(byTicket.get('t3')?.fired_at_ms).toBeLessThan(failures[1] as number);
    // Back-off 150 ms, then 300 ms; never before the due time.
    expect((failures[1] as number) - (failures[0] as number)).toBeGreaterThanOrEqual(149);
    expect((byTicket.get('t1')?.fired_at_ms as number) - (failures[1] as number)).toBeGreaterThanOrEqual(299);
    for (const row of fired) expect(row.fired_at_ms).toBeGreaterThanOrEqual(row.due_at_ms);
    const warnings = logger.records.filter((r) => r.level === 'warn');
    expect(warnings.map((w) => [w.fields?.ticketId, w.fields?.attempt])).toEqual([
      ['t1', 1],
      ['t1', 2],
    ]);
    expect(warnings[0]?.fields?.error).toBe('Error: vendor API down (attempt 1)');
  });

  it('retries a batch that failed as a whole one timer per transaction, so only the culprit backs off', async () => {
    await seedTickets(db(), 5);
    const now = Date.now();
    await insertTimers(
      db(),
      ['t1', 't2', 't3', 't4', 't5'].map((ticketId, i) => ({ ticketId, key: 'k', dueAt: now - 10 + i })),
    );
    const logger = createRecordingLogger();
    const s = scheduler({
      logger,
      fire: recordingFire(systemClock, 'a', async (tx, timer) => {
        if (timer.ticketId !== 't3') return;
        // Only fails at COMMIT, after fire returned: the whole transaction is lost.
        await tx.query(
          'CREATE TEMP TABLE IF NOT EXISTS strict_check (v int UNIQUE DEFERRABLE INITIALLY DEFERRED)',
        );
        await tx.query('INSERT INTO strict_check VALUES (1), (1)');
      }),
    });
    expect(await s.runDueOnce()).toBe(4);
    expect((await readFired(db())).map((r) => r.ticket_id).sort()).toEqual(['t1', 't2', 't4', 't5']);
    const { rows } = await db().query<{ ticket_id: string; attempts: number; last_error: string }>(
      'SELECT ticket_id, attempts, last_error FROM timers',
    );
    expect(rows).toEqual([
      { ticket_id: 't3', attempts: 1, last_error: expect.stringMatching(/strict_check/) },
    ]);
    expect(logger.records.filter((r) => r.level === 'warn').map((r) => r.message)).toEqual([
      'a batch of timers was rolled back as a whole; retrying them one transaction each',
      'timer fire failed; it will be retried',
    ]);
  });

  it('leaves the row for a retry when fire rolls back', async () => {
    await seedTickets(db(), 1);
    await insertTimers(db(), [{ ticketId: 't1', key: 'auto_close', dueAt: Date.now() - 1 }]);
    const broken = scheduler({
      fire: recordingFire(systemClock, 'a', async (tx) => {
        await tx.query('UPDATE tickets SET status = $1', ['closed']);
        await tx.query('SELECT * FROM no_such_table');
      }),
    });
    expect(await broken.runDueOnce()).toBe(0);
    const { rows } = await db().query<{ attempts: number; last_error: string; status: string }>(
      'SELECT attempts, last_error, t.status FROM timers JOIN tickets t ON t.id = ticket_id',
    );
    expect(rows).toEqual([
      { attempts: 1, last_error: expect.stringMatching(/no_such_table/), status: 'open' },
    ]);

    await sleep(1_000); // the default back-off
    const fixed = scheduler({ fire: recordingFire(systemClock, 'a') });
    expect(await fixed.runDueOnce()).toBe(1);
    expect((await readFired(db())).map((r) => r.attempt)).toEqual([2]);
  });

  it('fires a 60-minute timer in about a second on a clock running 3600 times faster', async () => {
    await seedTickets(db(), 1);
    const clock = createAcceleratedClock(3600);
    const dueAt = Math.ceil(clock.now()) + 60 * 60_000;
    await insertTimers(db(), [{ ticketId: 't1', key: 'sla.breach', dueAt }]);
    const realStart = Date.now();
    await scheduler({ clock, fire: recordingFire(clock, 'a') }).start();
    await waitFor('the accelerated fire', async () => (await firedCount()) === 1, 5_000, 20);
    const realElapsedMs = Date.now() - realStart;
    const [row] = await readFired(db());
    console.info(`[${kind}] 60 min at ×3600 fired after ${realElapsedMs} ms real`);
    expect(row?.fired_at_ms).toBeGreaterThanOrEqual(dueAt);
    expect(realElapsedMs).toBeGreaterThanOrEqual(950);
    expect(realElapsedMs).toBeLessThan(3_000);
  });

  it('runs no query while nothing is due, even for a sleep beyond the 2^31 ms timer limit', async () => {
    await seedTickets(db(), 3);
    const counted = countingDatabase(db());
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      // 60 days away: a single setTimeout that long would overflow, fire at once and spin.
      await insertTimers(db(), [{ ticketId: 't1', key: 'far', dueAt: Date.now() + 60 * DAY_MS }]);
      await scheduler({ db: counted, fire: recordingFire(systemClock, 'a') }).start();
      await waitFor('the start-up look', () => counted.statements > 0, 2_000, 10);
      await sleep(300);
      const afterStart = counted.statements;
      await sleep(1_200);
      expect(counted.statements).toBe(afterStart);

      // A later timer is notified: no query, the wake-up already armed is earlier.
      await writeAndNotify(db(), [{ ticketId: 't2', key: 'later', dueAt: Date.now() + 90 * DAY_MS }]);
      await sleep(300);
      expect(counted.statements).toBe(afterStart);

      // An earlier one: the scheduler wakes for it and queries (so the counter does count).
      await writeAndNotify(db(), [{ ticketId: 't3', key: 'soon', dueAt: Date.now() + 200 }]);
      await waitFor('the soon timer', async () => (await firedCount()) === 1, 5_000);
      await sleep(200);
      const afterWake = counted.statements;
      expect(afterWake).toBeGreaterThan(afterStart);
      await sleep(800);
      expect(counted.statements).toBe(afterWake);
      expect(warnings.filter((w) => w.name === 'TimeoutOverflowWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('stops gracefully: waits for the batch in flight, then claims nothing more', async () => {
    const tickets = await seedTickets(db(), 60);
    const now = Date.now();
    await insertTimers(
      db(),
      tickets.map((ticketId, i) => ({ ticketId, key: 'k', dueAt: now - 100 + i })),
    );
    let entered = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const s = scheduler({
      fire: recordingFire(systemClock, 'a', async () => {
        entered = true;
        await gate;
      }),
    });
    await s.start();
    await waitFor('the first fire to start', () => entered, 5_000, 5);
    let stopped = false;
    const stopping = s.stop().then(() => {
      stopped = true;
    });
    await sleep(100);
    expect(stopped).toBe(false);
    release();
    await stopping;
    // The first transaction (50 timers) committed; the next one was never started.
    expect(await firedCount()).toBe(50);
    expect(await countTimers(db())).toBe(10);
  });

  it('keeps running through database failures: logs, backs off, then fires', async () => {
    await seedTickets(db(), 1);
    await insertTimers(db(), [{ ticketId: 't1', key: 'k', dueAt: Date.now() - 1 }]);
    const real = db();
    let outages = 1;
    // Fault injection around the real database: the first transaction fails as if the server were gone.
    const flaky: SqlDatabase = {
      kind: real.kind,
      query: (text, params) => real.query(text, params),
      transaction: (fn) => {
        if (outages > 0) {
          outages -= 1;
          return Promise.reject(new StoreError('unavailable', 'connection refused'));
        }
        return real.transaction(fn);
      },
      listen: (channel, onPayload) => real.listen(channel, onPayload),
      notify: (channel, payload) => real.notify(channel, payload),
      close: () => real.close(),
    };
    const logger = createRecordingLogger();
    await scheduler({ db: flaky, logger, fire: recordingFire(systemClock, 'a') }).start();
    await waitFor('the fire after the outage', async () => (await firedCount()) === 1, 5_000);
    const errors = logger.records.filter((r) => r.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.fields).toMatchObject({
      retryInMs: 1_000,
      error: 'StoreError [unavailable]: connection refused',
    });
  });
});

it('rejects options it cannot work with as typed errors', () => {
  const base = { db: {} as SqlDatabase, clock: systemClock, logger: silentLogger, fire: async () => {} };
  for (const bad of [
    { batchSize: 0 },
    { batchSize: 1.5 },
    { safetyScanMs: -1 },
    { retryDelayMs: Number.NaN },
  ]) {
    let caught: unknown;
    try {
      createTimerScheduler({ ...base, ...bad });
    } catch (error) {
      caught = error;
    }
    expect(isTimerSchedulerError(caught) && caught.code).toBe('invalid_options');
  }
});
