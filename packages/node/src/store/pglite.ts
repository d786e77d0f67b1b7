import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import { StoreError, toStoreError } from './errors';
import { quoteIdentifier, reportToConsole } from './identifiers';
import type { SqlDatabase, SqlExecutor, SqlResult, SqlRow, StoreErrorHandler } from './sql';
import { registerScope, TransactionScope } from './transaction-scope';

/** Options of {@link createPgliteDatabase}. */
export interface PgliteDatabaseOptions {
  /** A directory to persist the database in (created if missing); in memory when omitted. */
  dataDir?: string;
  /** Receives failures no caller can receive, e.g. a listener callback that threw. Default: console.error. */
  onError?: StoreErrorHandler;
}

type PgliteExecutor = Pick<Transaction, 'query' | 'exec'>;

function toResult<T extends SqlRow>(result: Results<T> | undefined): SqlResult<T> {
  return { rows: result?.rows ?? [], rowCount: result?.rowCount ?? 0 };
}

async function runQuery<T extends SqlRow>(
  executor: PgliteExecutor,
  text: string,
  params: unknown[] | undefined,
): Promise<SqlResult<T>> {
  try {
    if (params !== undefined && params.length > 0) return toResult(await executor.query<T>(text, params));
    // Without parameters use the simple protocol, as pg does, so multi-statement scripts (migrations)
    // behave the same on both drivers; the last statement's result is the answer.
    const results = await executor.exec(text);
    return toResult(results.at(-1) as Results<T> | undefined);
  } catch (error) {
    throw toStoreError(error);
  }
}

/**
 * Opens an embedded PGlite database (PostgreSQL in WebAssembly), in memory or persisted to `dataDir`.
 * Resolves once the engine is ready (a cold start takes a few seconds); rejects with a StoreError
 * `unavailable` when it cannot be opened.
 *
 * PGlite has a single connection. Transactions run through PGlite's own `transaction()`, which holds
 * an exclusive lock for the whole callback: statements from concurrent requests wait until COMMIT or
 * ROLLBACK instead of slipping into someone else's transaction, which makes every transaction
 * effectively serial (row locks such as `FOR UPDATE` are then trivially satisfied).
 */
export async function createPgliteDatabase(options: PgliteDatabaseOptions = {}): Promise<SqlDatabase> {
  const onError = options.onError ?? reportToConsole;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  } catch (error) {
    const where = options.dataDir === undefined ? 'in memory' : `in ${options.dataDir}`;
    throw new StoreError(
      'unavailable',
      `PGlite could not be opened ${where}: ${toStoreError(error).message}`,
      {
        cause: error,
      },
    );
  }

  const scope = new TransactionScope();
  let closing: Promise<void> | undefined;

  const db: SqlDatabase = {
    kind: 'pglite',

    // async: misuse must reject like every other failure, never throw synchronously.
    async query<T extends SqlRow = SqlRow>(text: string, params?: unknown[]): Promise<SqlResult<T>> {
      scope.assertOutside('query');
      return runQuery<T>(pglite, text, params);
    },

    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return scope.run<T>(
        (body) => pglite.transaction((raw) => body((text, params) => runQuery(raw, text, params))),
        fn,
      );
    },

    async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
      scope.assertOutside('listen');
      quoteIdentifier(channel, 'channel');
      const deliver = (payload: string): void => {
        try {
          onPayload(payload);
        } catch (error) {
          onError(error);
        }
      };
      let unlisten: () => Promise<void>;
      try {
        unlisten = await pglite.listen(channel, deliver);
      } catch (error) {
        throw toStoreError(error);
      }
      let unsubscribed = false;
      return async () => {
        if (unsubscribed) return;
        unsubscribed = true;
        try {
          await unlisten();
        } catch (error) {
          throw toStoreError(error);
        }
      };
    },

    async notify(channel: string, payload: string): Promise<void> {
      scope.assertOutside('notify');
      quoteIdentifier(channel, 'channel');
      await runQuery(pglite, 'SELECT pg_notify($1, $2)', [channel, payload]);
    },

    close(): Promise<void> {
      closing ??= pglite.close().catch((error: unknown) => {
        throw toStoreError(error);
      });
      return closing;
    },
  };
  return registerScope(db, scope);
}
