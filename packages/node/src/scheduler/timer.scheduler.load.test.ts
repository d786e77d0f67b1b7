import { afterEach, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { systemClock } from '../clock';
import { silentLogger } from '../logger';
import { notifyTimersChanged } from './timer.notify';
import { createTimerScheduler, type TimerScheduler } from './timer.scheduler';
import {
  countTimers,
  insertTimers,
  percentiles,
  readFired,
  recordingFire,
  seedTickets,
  sleep,
  type TestTimer,
  waitFor,
} from './timer.test-support';

describeStores('createTimerScheduler under load', ({ db, kind, openAnother }) => {
  const running: TimerScheduler[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  const firedCount = async (): Promise<number> => {
    const { rows } = await db().query<{ n: number }>('SELECT count(*) AS n FROM test_fired');
    return rows[0]?.n ?? -1;
  };

  it('fires 1000 timers spread over 2 s at or after their due time, each exactly once', async () => {
    const tickets = await seedTickets(db(), 500);
    const scheduler = createTimerScheduler({
      db: db(),
      clock: systemClock,
      logger: silentLogger,
      fire: recordingFire(systemClock, 'a'),
    });
    running.push(scheduler);
    await scheduler.start();
    const base = Date.now() + 300;
    // Two timers per ticket, due 2 ms apart over 2 s, interleaved across tickets.
    const timers: TestTimer[] = tickets.flatMap((ticketId, i) => [
      { ticketId, key: 'sla.warning', dueAt: base + 2 * i },
      { ticketId, key: 'sla.breach', dueAt: base + 1_000 + 2 * i + 1 },
    ]);
    await db().transaction(async (tx) => {
      await insertTimers(tx, timers);
      await notifyTimersChanged(tx, base);
    });
    await waitFor('1000 fires', async () => (await firedCount()) >= 1_000, 20_000, 100);
    await sleep(300); // a duplicate would show up now

    const fired = await readFired(db());
    expect(fired).toHaveLength(1_000);
    expect(new Set(fired.map((r) => `${r.ticket_id}/${r.key}`)).size).toBe(1_000);
    const lateness = fired.map((r) => r.fired_at_ms - r.due_at_ms);
    const { p50, p99, max } = percentiles(lateness);
    console.info(`[${kind}] lateness over 1000 timers: p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0);
    expect(await countTimers(db())).toBe(0);
  });

  it('two instances on one PostgreSQL fire 2000 timers exactly once in total', async () => {
    if (kind !== 'postgres') return; // PGlite has one connection: there is no second instance.
    const tickets = await seedTickets(db(), 1_000);
    const other = await openAnother();
    const now = Date.now();
    // Half overdue (a backlog both race for), half due over the next second.
    const timers: TestTimer[] = tickets.flatMap((ticketId, i) => [
      { ticketId, key: 'overdue', dueAt: now - 5_000 + i },
      { ticketId, key: 'soon', dueAt: now + 300 + i },
    ]);
    await insertTimers(db(), timers);
    for (const [name, instanceDb] of [
      ['one', db()],
      ['two', other],
    ] as const) {
      const scheduler = createTimerScheduler({
        db: instanceDb,
        clock: systemClock,
        logger: silentLogger,
        fire: recordingFire(systemClock, name),
        batchSize: 50,
      });
      running.push(scheduler);
    }
    await Promise.all(running.map((s) => s.start()));
    await waitFor('2000 fires', async () => (await firedCount()) >= 2_000, 25_000, 100);
    await sleep(300);

    const fired = await readFired(db());
    expect(fired).toHaveLength(2_000);
    expect(new Set(fired.map((r) => `${r.ticket_id}/${r.key}`)).size).toBe(2_000);
    for (const row of fired) expect(row.fired_at_ms).toBeGreaterThanOrEqual(row.due_at_ms);
    const split = { one: 0, two: 0 };
    for (const row of fired) split[row.scheduler as 'one' | 'two'] += 1;
    console.info(`[${kind}] two instances fired ${split.one} + ${split.two} of 2000 timers`);
    // Both took part, so the exactly-once result is a result of the locking, not of one idle instance.
    expect(split.one).toBeGreaterThan(0);
    expect(split.two).toBeGreaterThan(0);
    expect(await countTimers(db())).toBe(0);
  });
});
