/** One result row: column name → value, parsed the same way by both drivers (see {@link SqlDatabase}). */
export interface SqlRow {
  [column: string]: unknown;
}

/** The result of one statement. */
export interface SqlResult<T extends SqlRow = SqlRow> {
  /** The rows returned (empty for statements without RETURNING). */
  rows: T[];
  /** Rows returned by a SELECT or changed by INSERT / UPDATE / DELETE; 0 for other statements. */
  rowCount: number;
}

/** Something that runs SQL: the database itself, or one open transaction. */
export interface SqlExecutor {
  /**
   * Runs a statement with `$1`-style parameters. Without parameters the text may hold several
   * statements separated by `;` (the simple query protocol) and the last statement's result is returned.
   * Failures reject with a {@link StoreError}.
   */
  query<T extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<SqlResult<T>>;
}

/**
 * The driver-neutral database the server runs on: PGlite (embedded) or PostgreSQL (pooled).
 *
 * Both drivers parse values alike: `int2`/`int4`/`int8` (so `count(*)`) as numbers, an `int8` beyond
 * 2^53 as a bigint rather than a rounded number, `numeric` as a string, `timestamptz` as a Date,
 * `date` as a Date at midnight UTC, `interval` as its text, `json`/`jsonb` as parsed values, arrays as
 * arrays of the same element values. (`bytea` is a Uint8Array on PGlite and a Buffer, its subclass, on pg.)
 *
 * Inside `transaction(fn)` use only the executor handed to `fn`: calling `query`, `transaction`,
 * `listen` or `notify` on the database itself from inside its own transaction throws a
 * {@link StoreError} `invalid_usage` (on PGlite's single connection it would wait forever). To notify
 * atomically with a change, run `SELECT pg_notify($1, $2)` on the transaction: it is delivered at
 * COMMIT and dropped on ROLLBACK.
 */
export interface SqlDatabase extends SqlExecutor {
  /** Which engine runs underneath. */
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction (BEGIN/COMMIT, ROLLBACK on throw); nested calls are an error. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel; returns an unsubscribe function. Resolves once the LISTEN is active, so a
   * notification sent afterwards is delivered. Channel names are lower-case SQL identifiers.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Sends a notification now, outside any transaction (every listener of every instance receives it). */
  notify(channel: string, payload: string): Promise<void>;
  /** Closes the database; later calls reject with a {@link StoreError} `unavailable`. */
  close(): Promise<void>;
}

/** Reports failures that happen in the background, where no caller can receive them. */
export type StoreErrorHandler = (error: unknown) => void;
