// Bulk tickets for the scale benchmarks: real tickets are opened through the HTTP API as templates,
// then copied in SQL with new ids, so every row, snapshot and projection is one the server wrote itself.
import { parallel } from './seed';

/** Runs SQL in the server process (the only way to reach an in-process PGlite). */
export type RunSql = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Calls `fn(start, end)` for consecutive ranges of at most `size` numbers covering `from`…`to`-1 (`end`
 * inclusive), two at a time: one INSERT is one backend on one core, so two use both of the machine's
 * cores (PGlite runs them one after the other). Batches keep any one statement's transaction small.
 */
export async function inBatches(
  from: number,
  to: number,
  size: number,
  fn: (start: number, end: number) => Promise<void>,
): Promise<void> {
  await parallel(Math.ceil((to - from) / size), 2, async (b) => {
    const start = from + b * size;
    await fn(start, Math.min(to, start + size) - 1);
  });
}

/**
 * Copies the workspace's tickets `templateIds` into `count` new tickets `<prefix><n>` (n from `from`),
 * round-robin over the templates: the template id is replaced inside data and snapshot, numbers start
 * above `numberBase` (far above what the workspace's sequence hands out during a run), and each copy
 * gets the template's timers, in batches ({@link inBatches}).
 */
export async function cloneTickets(
  sql: RunSql,
  options: {
    workspaceId: string;
    templateIds: readonly string[];
    count: number;
    prefix: string;
    from?: number;
    numberBase: number;
    batch?: number;
  },
): Promise<void> {
  const { workspaceId, templateIds, count, prefix, numberBase } = options;
  const from = options.from ?? 0;
  await inBatches(from, from + count, options.batch ?? 20_000, async (start, end) => {
    const params = [workspaceId, templateIds, start, end, prefix, numberBase];
    await sql(
      `WITH tpl AS (
         SELECT t.*, (array_position($2::text[], t.id) - 1) AS k FROM tickets t
          WHERE t.workspace_id = $1 AND t.id = ANY($2::text[])
       )
       INSERT INTO tickets (id, workspace_id, number, requester_id, status, tier, priority, assignee_id,
                            sla_state, data, snapshot, version, diagnostics, session_id, created_at, updated_at)
       SELECT $5 || g, tpl.workspace_id, $6 + g, tpl.requester_id, tpl.status, tpl.tier, tpl.priority,
              tpl.assignee_id, tpl.sla_state,
              jsonb_set(replace(tpl.data::text, tpl.id, $5 || g)::jsonb, '{number}', to_jsonb($6 + g)),
              replace(tpl.snapshot::text, tpl.id, $5 || g)::jsonb,
              tpl.version, tpl.diagnostics, tpl.session_id, tpl.created_at, tpl.updated_at
         FROM generate_series($3::bigint, $4::bigint) AS g
         JOIN tpl ON tpl.k = g % array_length($2::text[], 1)`,
      params,
    );
    await sql(
      `WITH tpl AS (SELECT id, (array_position($2::text[], id) - 1) AS k FROM tickets WHERE workspace_id = $1 AND id = ANY($2::text[]))
       INSERT INTO timers (ticket_id, key, workspace_id, due_at)
       SELECT $5 || g, tm.key, tm.workspace_id, tm.due_at
         FROM generate_series($3::bigint, $4::bigint) AS g
         JOIN tpl ON tpl.k = g % array_length($2::text[], 1)
         JOIN timers tm ON tm.ticket_id = tpl.id`,
      params.slice(0, 5),
    );
  });
  await sql('ANALYZE tickets');
  await sql('ANALYZE timers');
}
