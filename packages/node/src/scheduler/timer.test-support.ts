import type { Clock } from '../clock';
import type { LogFields, Logger } from '../logger';
import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow } from '../store';
import type { FireTimer } from './timer.types';

/** The workspace every scheduler test writes its tickets into. */
export const TEST_WORKSPACE = 'ws_sched';

/**
 * Creates the workspace and `count` tickets `t1`…`tN` (timers reference tickets), plus the `test_fired`
 * table in which test fires record themselves inside their transaction, so "fired" means "committed".
 */
export async function seedTickets(db: SqlDatabase, count: number): Promise<string[]> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS test_fired (
       ticket_id text NOT NULL, key text NOT NULL, due_at_ms double precision NOT NULL,
       fired_at_ms double precision NOT NULL, attempt integer NOT NULL, scheduler text NOT NULL)`,
  );
  await db.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Scheduler tests') ON CONFLICT DO NOTHING`, [
    TEST_WORKSPACE,
  ]);
  await db.query(
    `INSERT INTO tickets (id, workspace_id, number, requester_id, status, tier, priority, data, snapshot,
                          version, created_at, updated_at)
     SELECT 't' || g, $1, g, 'req', 'open', 1, 'normal', '{}', '{}', 1, now(), now()
       FROM generate_series(1, $2::integer) AS g`,
    [TEST_WORKSPACE, count],
  );
  return Array.from({ length: count }, (_, i) => `t${i + 1}`);
}

/** One timer row to write. */
export interface TestTimer {
  ticketId: string;
  key: string;
  /** Epoch ms (integer, stored exactly). */
  dueAt: number;
}

/** Upserts timers the way the ticket service does (due_at only), in one statement. */
export async function insertTimers(executor: SqlExecutor, timers: readonly TestTimer[]): Promise<void> {
  if (timers.length === 0) return;
  await executor.query(
    `INSERT INTO timers (ticket_id, key, workspace_id, due_at)
     SELECT t.ticket_id, t.key, $1, timestamptz 'epoch' + t.due_ms * interval '1 millisecond'
       FROM jsonb_to_recordset($2::jsonb) AS t(ticket_id text, key text, due_ms bigint)
     ON CONFLICT (ticket_id, key) DO UPDATE SET due_at = EXCLUDED.due_at
       WHERE timers.due_at IS DISTINCT FROM EXCLUDED.due_at`,
    [
      TEST_WORKSPACE,
      JSON.stringify(timers.map((t) => ({ ticket_id: t.ticketId, key: t.key, due_ms: t.dueAt }))),
    ],
  );
}

/** A fire that records itself in `test_fired` (inside the claiming transaction) under a scheduler name. */
export function recordingFire(clock: Clock, scheduler: string, before?: FireTimer): FireTimer {
  return async (tx, timer) => {
    await before?.(tx, timer);
    await tx.query(
      `INSERT INTO test_fired (ticket_id, key, due_at_ms, fired_at_ms, attempt, scheduler)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [timer.ticketId, timer.key, timer.dueAt, clock.now(), timer.attempt, scheduler],
    );
  };
}

/** A row of `test_fired`. */
export interface FiredRow extends SqlRow {
  ticket_id: string;
  key: string;
  due_at_ms: number;
  fired_at_ms: number;
  attempt: number;
  scheduler: string;
}

/** Every committed fire so far, in firing order. */
export async function readFired(db: SqlExecutor): Promise<FiredRow[]> {
  const { rows } = await db.query<FiredRow>('SELECT * FROM test_fired ORDER BY fired_at_ms');
  return rows;
}

/** How many rows the `timers` table holds. */
export async function countTimers(db: SqlExecutor): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM timers');
  return rows[0]?.n ?? -1;
}

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Resolves after `ms` real milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A database wrapper that counts every statement sent through it, in or outside transactions. */
export interface CountingDatabase extends SqlDatabase {
  /** Statements run so far. */
  readonly statements: number;
}

/** Wraps a real database and counts the statements (and transactions) sent through the wrapper. */
export function countingDatabase(db: SqlDatabase): CountingDatabase {
  let statements = 0;
  return {
    kind: db.kind,
    get statements() {
      return statements;
    },
    query<T extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<SqlResult<T>> {
      statements += 1;
      return db.query<T>(text, params);
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      statements += 1;
      return db.transaction((tx) =>
        fn({
          query<R extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<SqlResult<R>> {
            statements += 1;
            return tx.query<R>(text, params);
          },
        }),
      );
    },
    listen: (channel, onPayload) => db.listen(channel, onPayload),
    notify: (channel, payload) => {
      statements += 1;
      return db.notify(channel, payload);
    },
    close: () => db.close(),
  };
}

/** A clock the test sets by hand (its `realDelayUntil` is the plain difference). */
export interface ManualClock extends Clock {
  set(nowMs: number): void;
}

/** Creates a {@link ManualClock} showing `startMs`. */
export function createManualClock(startMs: number): ManualClock {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    realDelayUntil: (instantMs) => Math.max(0, instantMs - nowMs),
    set: (value) => {
      nowMs = value;
    },
  };
}

/** p50 / p99 / max of a list of numbers (nearest rank). */
export function percentiles(values: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

/** One record a {@link RecordingLogger} received. */
export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

/** A logger that keeps what it receives, for assertions. */
export interface RecordingLogger extends Logger {
  readonly records: LogRecord[];
}

/** Creates a {@link RecordingLogger}. */
export function createRecordingLogger(): RecordingLogger {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (message: string, fields?: LogFields): void => {
      records.push({ level, message, fields });
    };
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
