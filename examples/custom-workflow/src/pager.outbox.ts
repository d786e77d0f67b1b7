import type { ChangeWriter, Logger, SqlDatabase, SqlExecutor } from '@tierdesk/node';
import type { Page, Pager } from './pager';
import { PAGE_ON_CALL, type PageOnCallData } from './refund.workflow';

/** The channel a committed page is announced on, so the dispatcher delivers it at once. */
const CHANNEL = 'oncall_pages';

/**
 * Creates the pager's outbox table (idempotent). Run before the server starts taking changes: the
 * change writer inserts into it inside every ticket change's transaction.
 */
export async function ensurePagerOutbox(db: SqlDatabase): Promise<void> {
  await db.transaction(async (tx) => {
    // Several instances may start together: one creates the table, the others wait and find it.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('oncall_pages'))");
    await tx.query(`CREATE TABLE IF NOT EXISTS oncall_pages (
      id text PRIMARY KEY,
      ticket_id text NOT NULL,
      workspace_id text NOT NULL,
      page jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      lease_until timestamptz,
      sent_at timestamptz,
      failed_at timestamptz,
      last_error text
    )`);
  });
}

/**
 * The change writer that turns the workflow's `page_on_call` effects into outbox rows, in the same
 * transaction as the ticket change: a change that rolls back pages nobody, a committed one is never
 * lost. The row id is the ticket and timeline position, so the same step can never page twice.
 */
export function pagerChangeWriter(): ChangeWriter {
  return async (tx, change) => {
    let wrote = false;
    for (const effect of change.effects) {
      if (effect.type !== 'workflow' || effect.name !== PAGE_ON_CALL) continue;
      const data = effect.data as PageOnCallData;
      const page: Page = {
        id: `page_${effect.ticketId}_${data.seq}`,
        ticketId: effect.ticketId,
        workspaceId: data.workspaceId,
        subject: data.subject,
        priority: data.priority,
        tier: data.tier,
        reachedAt: change.ticket.updatedAt,
      };
      const { rowCount } = await tx.query(
        `INSERT INTO oncall_pages (id, ticket_id, workspace_id, page) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING`,
        [page.id, page.ticketId, page.workspaceId, JSON.stringify(page)],
      );
      wrote ||= rowCount > 0;
    }
    // Delivered at COMMIT, and only then.
    if (wrote) await tx.query('SELECT pg_notify($1, $2)', [CHANNEL, '']);
  };
}

/** Options of {@link createPagerDispatcher}. */
export interface PagerDispatcherOptions {
  db: SqlDatabase;
  pager: Pager;
  logger: Logger;
  /** Waits before the next attempt after the 1st, 2nd, … failure (the last repeats). Default 5 s, 30 s, 2 min, 10 min. */
  retryScheduleMs?: readonly number[];
  /** Give up after this many attempts (the row keeps `failed_at` and the last error). Default 20. */
  maxAttempts?: number;
  /** How long a claimed page is reserved for the instance sending it. Default 30 s. */
  leaseMs?: number;
  /** Safety poll for retries and missed notifications. Default 5 s. */
  pollMs?: number;
}

/** Delivers outbox pages after commit; several instances never send the same row at once. */
export interface PagerDispatcher {
  /** Sends every page due now; resolves with how many were delivered. */
  drainOnce(): Promise<number>;
  start(): Promise<void>;
  /** Stops polling and waits for the delivery in progress. */
  stop(): Promise<void>;
}

/**
 * Creates the dispatcher of the pager outbox: claims due rows with `FOR UPDATE SKIP LOCKED` and a
 * lease, calls the pager outside any transaction, then records the outcome. A crash between the
 * pager's answer and the record sends that page once more, with the same id for the service to dedupe.
 */
export function createPagerDispatcher(options: PagerDispatcherOptions): PagerDispatcher {
  const { db, pager, logger } = options;
  const schedule = options.retryScheduleMs ?? [5_000, 30_000, 120_000, 600_000];
  const maxAttempts = options.maxAttempts ?? 20;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMs = options.pollMs ?? 5_000;
  const controller = new AbortController();
  let running: Promise<number> | undefined;
  let again = false;
  let poll: ReturnType<typeof setInterval> | undefined;
  let unlisten: (() => Promise<void>) | undefined;

  async function claim(tx: SqlExecutor): Promise<{ id: string; page: Page; attempts: number }[]> {
    const { rows } = await tx.query<{ id: string; page: Page | string; attempts: number }>(
      `UPDATE oncall_pages SET lease_until = now() + ($1 * interval '1 millisecond'), attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM oncall_pages
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
           AND (lease_until IS NULL OR lease_until < now())
         ORDER BY created_at LIMIT 20 FOR UPDATE SKIP LOCKED)
       RETURNING id, page, attempts`,
      [leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      page: typeof r.page === 'string' ? (JSON.parse(r.page) as Page) : r.page,
      attempts: r.attempts,
    }));
  }

  async function drain(): Promise<number> {
    let delivered = 0;
    const due = await db.transaction(claim);
    for (const row of due) {
      try {
        await pager.page(row.page, controller.signal);
        await db.query('UPDATE oncall_pages SET sent_at = now(), lease_until = NULL WHERE id = $1', [row.id]);
        delivered += 1;
      } catch (error) {
        const giveUp = row.attempts >= maxAttempts;
        const waitMs = schedule[Math.min(row.attempts, schedule.length) - 1] ?? 0;
        await db.query(
          `UPDATE oncall_pages SET lease_until = NULL, last_error = $2,
             next_attempt_at = now() + ($3 * interval '1 millisecond'),
             failed_at = CASE WHEN $4 THEN now() ELSE NULL END
           WHERE id = $1`,
          [row.id, String(error), waitMs, giveUp],
        );
        logger[giveUp ? 'error' : 'warn']('paging the on-call failed', {
          pageId: row.id,
          attempts: row.attempts,
          error: String(error),
        });
      }
    }
    return delivered;
  }

  function drainOnce(): Promise<number> {
    if (running) {
      // A notification during a drain: look again when it ends, so nothing committed meanwhile waits.
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await drain();
      } while (again);
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  const kick = () => {
    drainOnce().catch((error: unknown) => logger.warn('pager outbox drain failed', { error: String(error) }));
  };

  return {
    drainOnce,
    async start() {
      unlisten = await db.listen(CHANNEL, kick);
      poll = setInterval(kick, pollMs);
      poll.unref();
      kick();
    },
    async stop() {
      if (poll) clearInterval(poll);
      await unlisten?.();
      controller.abort(new Error('the pager dispatcher stopped'));
      await running?.catch(() => undefined);
    },
  };
}
