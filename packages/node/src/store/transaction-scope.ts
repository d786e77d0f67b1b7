import { AsyncLocalStorage } from 'node:async_hooks';
import { StoreError, toStoreError } from './errors';
import type { SqlExecutor, SqlResult, SqlRow } from './sql';
import { WriteBatch } from './write-batch';

interface OpenTransaction {
  open: boolean;
}

/** Runs one statement on the connection that holds the transaction. @internal */
export type TransactionQuery = <R extends SqlRow>(
  text: string,
  params: unknown[] | undefined,
) => Promise<SqlResult<R>>;

/**
 * Knows, per database, whether the running code is inside one of its transactions. An async context
 * (not a flag) is what tells a nested call apart from a concurrent one: twenty requests may each open a
 * transaction at once, but a transaction opened from inside another would wait forever on PGlite's
 * single connection, and on Postgres would silently run outside the outer one.
 * @internal
 */
export class TransactionScope {
  readonly #storage = new AsyncLocalStorage<OpenTransaction>();
  /** Called with the text of every statement sent inside a transaction (tests count round trips). */
  readonly observers = new Set<(text: string) => void>();

  /** Throws a StoreError `invalid_usage` when called from inside an open transaction of this database. */
  assertOutside(operation: string): void {
    if (this.#storage.getStore()?.open) {
      throw new StoreError(
        'invalid_usage',
        `${operation}() was called on the database inside one of its own transactions; use the transaction's executor instead.`,
      );
    }
  }

  /**
   * Runs the caller's transaction body with an executor that refuses work once the body has settled
   * (a statement sent after COMMIT would run outside the transaction) and sends the writes the body
   * queued ({@link WriteBatch}) before its next statement and before COMMIT. Errors the body throws
   * (and those of its queued writes) are passed through untouched; every other failure (BEGIN,
   * COMMIT, ROLLBACK) becomes a StoreError.
   */
  async run<T>(
    driverTransaction: (body: (query: TransactionQuery) => Promise<T>) => Promise<T>,
    fn: (tx: SqlExecutor) => Promise<T>,
  ): Promise<T> {
    this.assertOutside('transaction');
    const state: OpenTransaction = { open: true };
    let bodyFailure: { error: unknown } | undefined;
    try {
      return await driverTransaction((query) =>
        this.#storage.run(state, async () => {
          // Writes queued with queueWrite() go out with the next statement or before COMMIT.
          const send: TransactionQuery = (text, params) => {
            for (const observe of this.observers) observe(text);
            return query(text, params);
          };
          const batch = new WriteBatch(send);
          const tx: SqlExecutor = {
            query: async <R extends SqlRow = SqlRow>(text: string, params?: unknown[]) => {
              if (!state.open) {
                throw new StoreError(
                  'invalid_usage',
                  'The transaction has already finished; its executor is closed.',
                );
              }
              await batch.flush();
              return send<R>(text, params);
            },
          };
          batch.attach(tx);
          try {
            const result = await fn(tx);
            await batch.flush();
            return result;
          } catch (error) {
            bodyFailure = { error };
            throw error;
          } finally {
            state.open = false;
          }
        }),
      );
    } catch (error) {
      if (bodyFailure !== undefined && bodyFailure.error === error) throw error;
      throw toStoreError(error);
    } finally {
      state.open = false;
    }
  }
}

const scopes = new WeakMap<object, TransactionScope>();

/** Records which scope runs the transactions of a database. @internal */
export function registerScope<D extends object>(db: D, scope: TransactionScope): D {
  scopes.set(db, scope);
  return db;
}

/**
 * Calls `observe` with the text of every statement a database sends inside its transactions (queued
 * writes as the one statement they are sent as; BEGIN and COMMIT not included) until the returned
 * function is called. For tests that count round trips. @internal
 */
export function observeStatements(db: object, observe: (text: string) => void): () => void {
  const scope = scopes.get(db);
  if (scope === undefined)
    throw new Error(
      'observeStatements() needs a database made by createPgliteDatabase or createPostgresDatabase',
    );
  scope.observers.add(observe);
  return () => scope.observers.delete(observe);
}
