import { AsyncLocalStorage } from 'node:async_hooks';
import { StoreError, toStoreError } from './errors';
import type { SqlExecutor, SqlResult, SqlRow } from './sql';

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
   * (a statement sent after COMMIT would run outside the transaction). Errors the body throws are
   * passed through untouched; every other failure (BEGIN, COMMIT, ROLLBACK) becomes a StoreError.
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
          const tx: SqlExecutor = {
            query: async <R extends SqlRow = SqlRow>(text: string, params?: unknown[]) => {
              if (!state.open) {
                throw new StoreError(
                  'invalid_usage',
                  'The transaction has already finished; its executor is closed.',
                );
              }
              return query<R>(text, params);
            },
          };
          try {
            return await fn(tx);
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
