import { notifyInTransaction, type SqlExecutor } from '../store';

/** The LISTEN/NOTIFY channel on which writers announce new timeline rows to every server instance. */
export const REALTIME_CHANNEL = 'tierdesk_events';

/** The payload of a {@link REALTIME_CHANNEL} notification. */
export interface TimelineNotification {
  /** The workspace whose feed has new rows. */
  readonly workspaceId: string;
}

/**
 * Announces that the transaction `tx` appended timeline rows in a workspace. Call it inside the same
 * transaction as the INSERTs: PostgreSQL delivers the notification at COMMIT, to every instance
 * listening, and drops it on ROLLBACK, so a stream never hears of rows that do not exist. Identical
 * notifications of one transaction are folded into one, so calling it once per ticket is fine.
 *
 * The payload only names the workspace: the rows themselves are read from the table, which is what
 * makes resuming and a missed notification harmless.
 */
export async function notifyTimelineAppended(tx: SqlExecutor, workspaceId: string): Promise<void> {
  const payload: TimelineNotification = { workspaceId };
  await notifyInTransaction(tx, REALTIME_CHANNEL, JSON.stringify(payload));
}

/** Reads a notification payload; undefined when it is not one of ours. @internal */
export function parseTimelineNotification(payload: string): TimelineNotification | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const workspaceId = (value as Record<string, unknown>).workspaceId;
  return typeof workspaceId === 'string' && workspaceId.length > 0 ? { workspaceId } : undefined;
}
