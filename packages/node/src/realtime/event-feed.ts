import type { Ticket, TimelineEvent } from '@tierdesk/core';
import type { SqlExecutor } from '../store';
import { horizonPosition, type StreamPosition } from './stream-position';

/** One `ticket_events` row as the realtime stream needs it. @internal */
export interface FeedRow {
  readonly ticketId: string;
  readonly workspaceId: string;
  readonly requesterId: string;
  readonly internal: boolean;
  readonly event: TimelineEvent;
  readonly xactId: bigint;
  readonly streamId: bigint;
}

/** The current state of a ticket touched by a batch. @internal */
export interface FeedTicket {
  readonly workspaceId: string;
  readonly requesterId: string;
  readonly ticket: Ticket;
}

/** Rows in feed order, made of whole transactions, with the current state of their tickets. @internal */
export interface FeedBatch {
  readonly rows: readonly FeedRow[];
  readonly tickets: ReadonlyMap<string, FeedTicket>;
}

/** Whose rows a read returns: a whole workspace, or one requester's public rows. @internal */
export interface FeedScope {
  readonly workspaceId: string;
  /** Set for end users: only their tickets, never internal rows. */
  readonly requesterId?: string | undefined;
}

interface RawRow {
  [column: string]: unknown;
  ticket_id: string;
  workspace_id: string;
  requester_id: string;
  internal: boolean;
  event: TimelineEvent;
  xact_id: string;
  stream_id: string;
}

const COLUMNS = `e.ticket_id, e.workspace_id, e.requester_id, e.internal, e.event,
  e.xact_id::text AS xact_id, e.stream_id::text AS stream_id`;

function toRow(raw: RawRow): FeedRow {
  return {
    ticketId: raw.ticket_id,
    workspaceId: raw.workspace_id,
    requesterId: raw.requester_id,
    internal: raw.internal,
    event: raw.event,
    xactId: BigInt(raw.xact_id),
    streamId: BigInt(raw.stream_id),
  };
}

/** The position of a row (its own event delivered). @internal */
export function rowPosition(row: FeedRow, part: StreamPosition['part'] = 'event'): StreamPosition {
  return { xactId: row.xactId, streamId: row.streamId, part };
}

/** The snapshot horizon: every transaction below it has finished. @internal */
export async function readHorizon(db: SqlExecutor): Promise<StreamPosition> {
  const { rows } = await db.query<{ xmin: string }>(
    'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin',
  );
  const xmin = rows[0]?.xmin;
  if (xmin === undefined) throw new Error('pg_current_snapshot() returned no row');
  return horizonPosition(BigInt(xmin));
}

/** What {@link readLivePage} found. @internal */
export interface LivePage {
  /** Rows after the cursor and below the horizon, whole transactions only. */
  readonly rows: readonly FeedRow[];
  /** Where the next read starts: the horizon, or the last row when the page was full. */
  readonly next: StreamPosition;
  /** More rows below the horizon are waiting (the page was full). */
  readonly more: boolean;
  /** Committed rows of the workspace lie above the horizon, held back by an older open transaction. */
  readonly heldBack: boolean;
}

/**
 * Reads the next page of a workspace's feed after `after`. One statement, so the horizon, the rows
 * and the held-back check all come from the same snapshot. A full page is completed with the rest of
 * its last transaction, so batches never split one (the ticket update follows a transaction's rows).
 * @internal
 */
export async function readLivePage(
  db: SqlExecutor,
  workspaceId: string,
  after: StreamPosition,
  limit: number,
): Promise<LivePage> {
  const { rows } = await db.query<RawRow & { horizon: string; held_back: boolean }>(
    `WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
     page AS (
       SELECT ${COLUMNS} FROM ticket_events e, horizon
        WHERE e.workspace_id = $1
          AND (e.xact_id, e.stream_id) > ($2::xid8, $3::bigint)
          AND e.xact_id < horizon.xmin
        ORDER BY e.xact_id, e.stream_id
        LIMIT $4
     )
     SELECT horizon.xmin::text AS horizon,
            EXISTS (SELECT 1 FROM ticket_events h WHERE h.workspace_id = $1 AND h.xact_id >= horizon.xmin)
              AS held_back,
            page.*
       FROM horizon LEFT JOIN page ON true
      ORDER BY page.xact_id::xid8, page.stream_id::bigint`,
    [workspaceId, after.xactId.toString(), after.streamId.toString(), limit],
  );
  const first = rows[0];
  if (first === undefined) throw new Error('the live feed query returned no row');
  const horizon = horizonPosition(BigInt(first.horizon));
  const found = rows.filter((raw) => raw.ticket_id !== null).map(toRow);
  const last = found.at(-1);
  if (found.length < limit || last === undefined) {
    return { rows: found, next: horizon, more: false, heldBack: first.held_back };
  }
  const rest = await db.query<RawRow>(
    `SELECT ${COLUMNS} FROM ticket_events e
      WHERE e.workspace_id = $1 AND e.xact_id = $2::xid8 AND e.stream_id > $3::bigint
      ORDER BY e.stream_id`,
    [workspaceId, last.xactId.toString(), last.streamId.toString()],
  );
  const complete = [...found, ...rest.rows.map(toRow)];
  const end = complete.at(-1) as FeedRow;
  return { rows: complete, next: rowPosition(end, 'ticket'), more: true, heldBack: first.held_back };
}

/**
 * Reads the rows a resuming client missed, from `from` (inclusive, so the caller can tell whether the
 * ticket update after it is still owed) to `to` (inclusive), at most `limit` rows. The range must lie
 * below a horizon read earlier, where nothing can appear any more.
 * @internal
 */
export async function readRange(
  db: SqlExecutor,
  scope: FeedScope,
  from: StreamPosition,
  to: StreamPosition,
  limit: number,
): Promise<FeedRow[]> {
  const params: unknown[] = [
    scope.workspaceId,
    from.xactId.toString(),
    from.streamId.toString(),
    to.xactId.toString(),
    to.streamId.toString(),
    limit,
  ];
  let filter = '';
  if (scope.requesterId !== undefined) {
    params.push(scope.requesterId);
    filter = 'AND e.requester_id = $7 AND NOT e.internal';
  }
  const { rows } = await db.query<RawRow>(
    `SELECT ${COLUMNS} FROM ticket_events e
      WHERE e.workspace_id = $1 ${filter}
        AND (e.xact_id, e.stream_id) >= ($2::xid8, $3::bigint)
        AND (e.xact_id, e.stream_id) <= ($4::xid8, $5::bigint)
      ORDER BY e.xact_id, e.stream_id
      LIMIT $6`,
    params,
  );
  return rows.map(toRow);
}

/** Reads the current projection of the tickets the rows touch. @internal */
export async function readTickets(
  db: SqlExecutor,
  rows: readonly FeedRow[],
): Promise<Map<string, FeedTicket>> {
  const ids = [...new Set(rows.map((row) => row.ticketId))];
  const tickets = new Map<string, FeedTicket>();
  if (ids.length === 0) return tickets;
  const result = await db.query<{ id: string; workspace_id: string; requester_id: string; data: Ticket }>(
    'SELECT id, workspace_id, requester_id, data FROM tickets WHERE id = ANY($1::text[])',
    [ids],
  );
  for (const row of result.rows) {
    tickets.set(row.id, { workspaceId: row.workspace_id, requesterId: row.requester_id, ticket: row.data });
  }
  return tickets;
}
