import type { SqlExecutor } from './sql';
import { queueSelect } from './write-batch';

// Notifications a transaction has asked for while a batch is open on it, in order, without repeats
// (PostgreSQL folds identical notifications of one transaction into one anyway).
const batches = new WeakMap<SqlExecutor, Map<string, readonly [string, string]>>();

/**
 * Sends `pg_notify(channel, payload)` as part of the transaction `tx`: delivered at COMMIT, dropped on
 * ROLLBACK. While a batch is open on `tx` (see {@link withNotifyBatch}) the notification waits for the
 * batch's single statement; otherwise it joins the transaction's queued writes (see `queueWrite`), or is
 * sent now on an executor without them. Either way it reaches listeners at the same
 * moment, COMMIT, so callers need not know which.
 */
export async function notifyInTransaction(tx: SqlExecutor, channel: string, payload: string): Promise<void> {
  const batch = batches.get(tx);
  if (batch === undefined) {
    await queueSelect(tx, 'pg_notify($1, $2)', [channel, payload]);
    return;
  }
  const key = `${channel}\u0000${payload}`;
  if (!batch.has(key)) batch.set(key, [channel, payload]);
}

/**
 * Runs `fn` with a batch open on `tx`: every {@link notifyInTransaction} inside it is collected and
 * queued as one `pg_notify(…), pg_notify(…)` when `fn` returns, sent with the transaction's queued writes (a ticket change's writers each
 * notify a channel; a round trip each was a fifth of a change's statements). A batch opened inside
 * another on the same transaction joins it, so the outermost sends. When `fn` throws nothing is sent:
 * the transaction is rolling back and its notifications would be dropped anyway.
 * @internal
 */
export async function withNotifyBatch<T>(tx: SqlExecutor, fn: () => Promise<T>): Promise<T> {
  if (batches.has(tx)) return fn();
  const batch = new Map<string, readonly [string, string]>();
  batches.set(tx, batch);
  let result: T;
  try {
    result = await fn();
  } finally {
    batches.delete(tx);
  }
  if (batch.size > 0) {
    const pairs = [...batch.values()];
    await queueSelect(
      tx,
      pairs.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(', '),
      pairs.flat(),
    );
  }
  return result;
}
