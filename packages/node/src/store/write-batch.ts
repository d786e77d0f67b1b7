import { StoreError, toStoreError } from './errors';
import type { SqlExecutor, SqlResult, SqlRow } from './sql';

/** Runs one statement on the connection that holds the transaction. @internal */
export type BatchSend = (text: string, params: unknown[]) => Promise<SqlResult<SqlRow>>;

/** What {@link queueWrite} checks about a write once it ran. */
export interface WriteExpectation {
  /** The number of rows the write must change (a version guard: 1). */
  rows: number;
  /** The error the transaction fails with when it changed another number; it is rolled back either way. */
  error: () => Error;
}

interface QueuedWrite {
  /** Verb and table (`INSERT outbox`): two of a kind never share a statement. */
  kind: string;
  text: string;
  params: readonly unknown[];
  expect: WriteExpectation | undefined;
}

interface QueuedSelect {
  expression: string;
  params: readonly unknown[];
}

// The SQLSTATE of migration 012's tierdesk_expect_rows(): a guarded write changed another number of rows.
const EXPECTATION_FAILED = 'TD001';

const batches = new WeakMap<SqlExecutor, WriteBatch>();

/**
 * Writes whose results nobody reads (a ticket change's row, events, timers, outbox rows, notifications,
 * the stored idempotent answer), queued on one open transaction and sent as ONE statement of
 * data-modifying CTEs: at the transaction's next statement (so every read still sees every earlier
 * write) or before COMMIT. Every statement costs both processes CPU on its own; batching cut a
 * creation's CPU on PostgreSQL by about 15 % (BENCHMARKS.md). The guarantees stay those of the statements
 * one by one, because the batch runs in the same transaction, before anything that could observe it, and
 * a guarded write that fails its guard raises an SQL error inside the statement: the transaction (or
 * the savepoint around it) is aborted exactly as if that write had been sent alone.
 *
 * Rules for a queued write (checked where cheap): one INSERT, UPDATE or DELETE statement without a WITH
 * clause of its own (PostgreSQL allows data-modifying CTEs only at the top level); `$n` parameters only
 * as placeholders, never inside string literals (they are renumbered). The CTEs of one statement run on
 * one snapshot in no defined order, so a second write of the same kind on the same table (a second
 * `INSERT INTO outbox`) first sends the batch before it, and writes of different kinds on one table (the
 * timers' DELETE and upsert) must not touch the same row. Any other statement on the transaction, as
 * every ticket step's lock of its ticket, sends the batch first.
 * @internal
 */
export class WriteBatch {
  readonly #send: BatchSend;
  #writes: QueuedWrite[] = [];
  // Keyed by expression and parameters: a repeat of a queued select is dropped (a notification sent
  // twice in one transaction is delivered once anyway).
  #selects = new Map<string, QueuedSelect>();
  #inflight: Promise<void> = Promise.resolve();

  constructor(send: BatchSend) {
    this.#send = send;
  }

  /** Registers the batch as the one of `tx`. */
  attach(tx: SqlExecutor): void {
    batches.set(tx, this);
  }

  /**
   * Queues a write; when one of the same kind on the same table is queued already, sends that one first
   * (the CTEs of one statement run in no defined order, and order matters there: outbox ids).
   */
  async write(text: string, params: readonly unknown[], expect?: WriteExpectation): Promise<void> {
    const target = /^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+("?[\w.]+"?)/i.exec(text);
    if (target === null) {
      throw new StoreError(
        'invalid_usage',
        'queueWrite() takes one INSERT, UPDATE or DELETE statement without a WITH clause of its own.',
      );
    }
    const kind = `${(target[1] as string).split(/\s/)[0]?.toUpperCase()} ${(target[2] as string).toLowerCase()}`;
    if (this.#writes.some((w) => w.kind === kind)) await this.flush();
    this.#writes.push({ text, params, expect, kind });
  }

  /** Queues `SELECT expression`, its value unread; an identical one already queued is not repeated. */
  select(expression: string, params: readonly unknown[]): void {
    const key = `${expression}\u0000${JSON.stringify(params)}`;
    if (!this.#selects.has(key)) this.#selects.set(key, { expression, params });
  }

  /** Sends what is queued (if anything) as one statement; resolves once it ran. */
  flush(): Promise<void> {
    const run = this.#inflight.then(() => this.#sendQueued());
    this.#inflight = run.catch(() => {});
    return run;
  }

  async #sendQueued(): Promise<void> {
    const writes = this.#writes;
    const selects = [...this.#selects.values()];
    if (writes.length === 0 && selects.length === 0) return;
    this.#writes = [];
    this.#selects.clear();
    const only = writes[0];
    if (writes.length === 1 && selects.length === 0 && only !== undefined && only.expect === undefined) {
      await this.#send(only.text, [...only.params]);
      return;
    }
    const { text, params } = combine(writes, selects);
    try {
      await this.#send(text, params);
    } catch (error) {
      const failed = toStoreError(error);
      const label = failed.sqlState === EXPECTATION_FAILED ? /\bw(\d+)\b/.exec(failed.message) : null;
      const expect = label === null ? undefined : writes[Number(label[1])]?.expect;
      throw expect === undefined ? failed : expect.error();
    }
  }
}

/** The one statement of a batch: every write a CTE `wN`, guards and selected expressions in the SELECT. */
function combine(
  writes: readonly QueuedWrite[],
  selects: readonly QueuedSelect[],
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const take = (text: string, own: readonly unknown[]): string => {
    const offset = params.length;
    params.push(...own);
    return text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  };
  const ctes: string[] = [];
  const columns: string[] = [];
  writes.forEach((w, i) => {
    let text = take(w.text.trim(), w.params);
    if (w.expect !== undefined) {
      if (!/\bRETURNING\b/i.test(text)) text = `${text} RETURNING 1`;
      columns.push(`tierdesk_expect_rows('w${i}', (SELECT count(*) FROM w${i}), ${w.expect.rows})`);
    }
    ctes.push(`w${i} AS (${text})`);
  });
  for (const s of selects) columns.push(take(s.expression, s.params));
  const select = `SELECT ${columns.length === 0 ? '1' : columns.join(', ')}`;
  return { text: ctes.length === 0 ? select : `WITH ${ctes.join(', ')} ${select}`, params };
}

/**
 * Queues a write on `tx` to be sent with the transaction's next statement or before its COMMIT, in one
 * statement with the other queued writes (see {@link WriteBatch} for the rules). `expect` turns a wrong
 * row count into `expect.error()` and a rolled-back transaction. On an executor that is not an open
 * transaction of a Tierdesk database (the database itself, a wrapper), the write runs now, checked the
 * same way; either way the caller awaits it like a statement and may not read its result.
 */
export async function queueWrite(
  tx: SqlExecutor,
  text: string,
  params: readonly unknown[],
  expect?: WriteExpectation,
): Promise<void> {
  const batch = batches.get(tx);
  if (batch !== undefined) {
    await batch.write(text, params, expect);
    return;
  }
  const { rowCount } = await tx.query(text, [...params]);
  if (expect !== undefined && rowCount !== expect.rows) throw expect.error();
}

/**
 * Queues `SELECT expression` (e.g. `pg_notify($1, $2)`) on `tx` like {@link queueWrite}: evaluated in
 * the batch's statement, its value unread. Runs now on an executor without a batch.
 */
export async function queueSelect(
  tx: SqlExecutor,
  expression: string,
  params: readonly unknown[],
): Promise<void> {
  const batch = batches.get(tx);
  if (batch !== undefined) {
    batch.select(expression, params);
    return;
  }
  await tx.query(`SELECT ${expression}`, [...params]);
}
