import type { Ticket, TicketTimers, TimelineEvent } from '@tierdesk/core';
import { renderMarkdown } from '../markdown/render-cache';
import { queueWrite, type SqlExecutor } from '../store';

/** A ticket row as the actor step needs it: the persisted machine snapshot and its version. */
export interface StoredTicket {
  id: string;
  workspaceId: string;
  number: number;
  requesterId: string;
  version: number;
  snapshot: unknown;
  data: Ticket;
}

interface TicketRow {
  [column: string]: unknown;
  id: string;
  workspace_id: string;
  number: number;
  requester_id: string;
  version: number;
  snapshot: unknown;
  data: Ticket;
}

function fromRow(row: TicketRow): StoredTicket {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    number: row.number,
    requesterId: row.requester_id,
    version: row.version,
    snapshot: row.snapshot,
    data: row.data,
  };
}

/** A ticket's SLA state for the queue filter: the worst over its live clocks (met/stopped ones do not count). */
export type SlaQueueState = 'none' | 'running' | 'paused' | 'warning' | 'breached';

const SLA_RANK: Readonly<Record<SlaQueueState, number>> = {
  none: 0,
  paused: 1,
  running: 2,
  warning: 3,
  breached: 4,
};

/** The worst state over a ticket's running or paused clocks. */
export function worstSlaState(ticket: Ticket): SlaQueueState {
  let worst: SlaQueueState = 'none';
  for (const clock of ticket.sla) {
    if (clock.status !== 'running' && clock.status !== 'paused') continue;
    const state: SlaQueueState = clock.breached ? 'breached' : clock.warned ? 'warning' : clock.status;
    if (SLA_RANK[state] > SLA_RANK[worst]) worst = state;
  }
  return worst;
}

/**
 * Takes the next human-friendly ticket number of a workspace from its sequence (migration 010), or
 * null when there is no such workspace. nextval() holds no lock to the end of the transaction, so
 * creations in one workspace run in parallel; a creation that rolls back leaves a gap, and numbers
 * are never reused.
 */
export async function takeTicketNumber(tx: SqlExecutor, workspaceId: string): Promise<number | null> {
  const { rows } = await tx.query<{ n: number | string }>(
    'SELECT nextval(tierdesk_ticket_number_sequence(id)::regclass) AS n FROM workspaces WHERE id = $1',
    [workspaceId],
  );
  const n = rows[0]?.n;
  return n === undefined ? null : Number(n);
}

/**
 * Loads a ticket and locks its row until the end of the transaction (the actor step's critical section).
 * `FOR NO KEY UPDATE` (not `FOR UPDATE`): writers of one ticket still exclude each other, but rows that
 * merely reference the ticket (a policy edit scheduling a timer per open ticket, whose foreign-key
 * check takes KEY SHARE locks) never block a ticket write.
 */
export async function loadTicketForUpdate(
  tx: SqlExecutor,
  workspaceId: string,
  ticketId: string,
): Promise<StoredTicket | null> {
  const { rows } = await tx.query<TicketRow>(
    `SELECT id, workspace_id, number, requester_id, version, snapshot, data
       FROM tickets WHERE workspace_id = $1 AND id = $2 FOR NO KEY UPDATE`,
    [workspaceId, ticketId],
  );
  const row = rows[0];
  return row === undefined ? null : fromRow(row);
}

/** Reads a ticket's projection without locking. */
export async function readTicket(
  db: SqlExecutor,
  workspaceId: string,
  ticketId: string,
): Promise<(StoredTicket & { diagnostics: unknown }) | null> {
  const { rows } = await db.query<TicketRow & { diagnostics: unknown }>(
    `SELECT id, workspace_id, number, requester_id, version, NULL AS snapshot, data, diagnostics
       FROM tickets WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, ticketId],
  );
  const row = rows[0];
  return row === undefined ? null : { ...fromRow(row), diagnostics: row.diagnostics };
}

/** What one accepted step writes. */
export interface TicketWrite {
  ticket: Ticket;
  snapshot: unknown;
  events: readonly TimelineEvent[];
  timers: TicketTimers;
}

/** Inserts a new ticket with its first events and timers. */
export async function insertTicket(
  tx: SqlExecutor,
  write: TicketWrite,
  extra: { diagnostics?: unknown; sessionId?: string | undefined },
): Promise<void> {
  const t = write.ticket;
  await queueWrite(
    tx,
    `INSERT INTO tickets (id, workspace_id, number, requester_id, status, tier, priority, assignee_id, sla_state,
                          data, snapshot, version, diagnostics, session_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      t.id,
      t.workspaceId,
      t.number,
      t.requester.id,
      t.status,
      t.tier,
      t.priority,
      t.assigneeId,
      worstSlaState(t),
      JSON.stringify(t),
      JSON.stringify(write.snapshot),
      t.version,
      extra.diagnostics === undefined ? null : JSON.stringify(extra.diagnostics),
      extra.sessionId ?? null,
      t.createdAt,
      t.updatedAt,
    ],
  );
  await appendEvents(tx, t, write.events);
  await replaceTimers(tx, t.workspaceId, t.id, write.timers, { isNew: true });
}

/**
 * Writes an accepted step over the row loaded with {@link loadTicketForUpdate}. The version guard makes
 * a lost update impossible even if a caller forgot the lock: zero rows updated means someone else won,
 * and the transaction fails with `stale()` (the writes are queued, so the guard is checked in SQL when
 * they are sent, and aborts the transaction with them).
 */
export async function updateTicket(
  tx: SqlExecutor,
  previousVersion: number,
  write: TicketWrite,
  stale: () => Error,
): Promise<void> {
  const t = write.ticket;
  await queueWrite(
    tx,
    `UPDATE tickets SET status = $3, tier = $4, priority = $5, assignee_id = $6, sla_state = $7,
                        data = $8, snapshot = $9, version = $10, updated_at = $11
      WHERE workspace_id = $1 AND id = $2 AND version = $12`,
    [
      t.workspaceId,
      t.id,
      t.status,
      t.tier,
      t.priority,
      t.assigneeId,
      worstSlaState(t),
      JSON.stringify(t),
      JSON.stringify(write.snapshot),
      t.version,
      t.updatedAt,
      previousVersion,
    ],
    { rows: 1, error: stale },
  );
  await appendEvents(tx, t, write.events);
  await replaceTimers(tx, t.workspaceId, t.id, write.timers);
}

/** Whether an event is part of the public conversation (the requester may see it). */
export function isPublicEvent(event: TimelineEvent): boolean {
  return PUBLIC_EVENT_TYPES.has(event.type);
}

// What the requester sees: the conversation and the outcomes that concern them. Tier moves, SLA
// signals, notes, assignments and priorities are the support team's business.
const PUBLIC_EVENT_TYPES: ReadonlySet<TimelineEvent['type']> = new Set([
  'ticket.created',
  'message.public',
  'status.changed',
  'csat.submitted',
  'ticket.merged',
  'ticket.deflected',
]);

async function appendEvents(
  tx: SqlExecutor,
  ticket: Ticket,
  events: readonly TimelineEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: e.at,
    internal: !isPublicEvent(e),
    // Messages and notes are stored with their safe markdown tree, so no reader ever parses.
    event:
      e.type === 'message.public' || e.type === 'note.internal'
        ? { ...e, bodyNodes: renderMarkdown(e.body) }
        : e,
  }));
  await queueWrite(
    tx,
    `INSERT INTO ticket_events (ticket_id, seq, workspace_id, requester_id, type, at, internal, event)
     SELECT $1, e.seq, $2, $3, e.type, e.at, e.internal, e.event
       FROM jsonb_to_recordset($4::jsonb) AS e(seq integer, type text, at timestamptz, internal boolean, event jsonb)
      ORDER BY e.seq`,
    [ticket.id, ticket.workspaceId, ticket.requester.id, JSON.stringify(rows)],
  );
}

// Part of the change's one statement (queued writes): the machine's timers that stopped are deleted and
// the running ones upserted. A new ticket has none to delete.
async function replaceTimers(
  tx: SqlExecutor,
  workspaceId: string,
  ticketId: string,
  timers: TicketTimers,
  options: { isNew?: boolean } = {},
): Promise<void> {
  const set = Object.entries(timers)
    .filter((entry): entry is [string, number] => entry[1] !== null)
    .map(([key, due]) => ({ key, due_at: new Date(due).toISOString() }));
  // Only the machine's own timers are replaced; rows under other keys (the Tier 0 hand-off) belong to
  // the server and live on until they fire. The DELETE takes keys not in the set, the upsert only keys
  // in it, so the two writes of the batch never touch the same row.
  const stopped = Object.entries(timers)
    .filter((entry) => entry[1] === null)
    .map(([key]) => key);
  if (options.isNew !== true && stopped.length > 0) {
    await queueWrite(tx, 'DELETE FROM timers WHERE ticket_id = $1 AND key = ANY($2::text[])', [
      ticketId,
      stopped,
    ]);
  }
  if (set.length === 0) return;
  await queueWrite(
    tx,
    `INSERT INTO timers (ticket_id, key, workspace_id, due_at)
     SELECT $1, t.key, $2, t.due_at FROM jsonb_to_recordset($3::jsonb) AS t(key text, due_at timestamptz)
     ON CONFLICT (ticket_id, key) DO UPDATE SET due_at = EXCLUDED.due_at
       WHERE timers.due_at IS DISTINCT FROM EXCLUDED.due_at`,
    [ticketId, workspaceId, JSON.stringify(set)],
  );
}

/** Reads a ticket's timeline in order; `publicOnly` leaves out what the requester must not see. */
export async function readTimeline(
  db: SqlExecutor,
  ticketId: string,
  options: { publicOnly: boolean; afterSeq?: number; limit?: number },
): Promise<TimelineEvent[]> {
  const { rows } = await db.query<{ event: TimelineEvent }>(
    `SELECT event FROM ticket_events
      WHERE ticket_id = $1 AND seq > $2 AND ($3::boolean = false OR internal = false)
      ORDER BY seq LIMIT $4`,
    [ticketId, options.afterSeq ?? 0, options.publicOnly, options.limit ?? 10_000],
  );
  return rows.map((r) => r.event);
}
