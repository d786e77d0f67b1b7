import type { SqlExecutor } from './sql';
import { queueSelect } from './write-batch';

/**
 * Sends `pg_notify(channel, payload)` as part of the transaction `tx`: delivered at COMMIT, dropped on
 * ROLLBACK. Inside a transaction of a Tierdesk database it joins the writes queued there (see
 * `queueWrite`), so a ticket change's writers, who each notify a channel, cost no round trip of their
 * own; a repeat of a queued notification is folded, as PostgreSQL folds identical notifications of one
 * transaction anyway. On any other executor it is sent now. Either way it reaches listeners at COMMIT,
 * so callers need not know which.
 */
export async function notifyInTransaction(tx: SqlExecutor, channel: string, payload: string): Promise<void> {
  await queueSelect(tx, 'pg_notify($1, $2)', [channel, payload]);
}
