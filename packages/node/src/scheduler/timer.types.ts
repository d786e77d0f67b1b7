import type { SqlExecutor } from '../store';

/** A durable timer that is due, as handed to {@link FireTimer}. */
export interface DueTimer {
  /** The ticket the timer belongs to. */
  readonly ticketId: string;
  /** What the timer is for, unique per ticket (e.g. `sla.first_response.breach`, `auto_close`). */
  readonly key: string;
  /** The ticket's workspace. */
  readonly workspaceId: string;
  /** When it was due, epoch ms (never later than the clock when it fires). */
  readonly dueAt: number;
  /** 1 on the first try, 2 on the first retry after a failed fire, and so on. */
  readonly attempt: number;
}

/**
 * Delivers a due timer to its ticket. Runs inside the transaction that claimed (and deleted) the timer
 * row: whatever it writes commits together with the deletion, or not at all. It may insert new timer
 * rows for the ticket (the next SLA target, say); if it throws, its writes are rolled back, the timer
 * stays in the table and is retried after a back-off.
 *
 * Use only `tx` inside: the database itself refuses statements from inside its own transaction.
 */
export type FireTimer = (tx: SqlExecutor, timer: DueTimer) => Promise<void>;
