/**
 * Where a realtime client stands in the timeline feed of its workspace; sent as the SSE `id:` and
 * received back as `Last-Event-ID`.
 *
 * Why not just `stream_id`: bigserial values are assigned at INSERT, but transactions commit in another
 * order. If T1 inserts id 7, T2 inserts id 8 and T2 commits first, a reader that delivers 8 and then
 * asks for "id > 8" never sees 7. Positions are therefore ordered by `(xact_id, stream_id)`, where
 * `xact_id` is the writing transaction's `pg_current_xact_id()` (a column DEFAULT, migration 003), and
 * rows are read only when `xact_id < pg_snapshot_xmin(pg_current_snapshot())` of the reading
 * statement. Every transaction below a snapshot's xmin has finished (committed or rolled back), and
 * new transactions always get higher ids, so the set of rows below xmin can never grow again: once
 * read, that prefix of the order is final, and a cursor in it cannot skip anything. xmin never moves
 * backwards, across connections and instances alike (it is the oldest transaction id still running in
 * the cluster), so positions are comparable between server instances. The price is latency: a row
 * waits until every transaction that was assigned an id before its own has ended. PGlite runs one
 * transaction at a time, so there the horizon is always past every committed row.
 *
 * A row carries up to two messages: its `timeline.appended` and, when it is the ticket's last visible
 * row of a batch, a `ticket.updated`. `part` says which of the two the client has received, so a
 * client that dropped between them gets the ticket again on resume and never the event twice.
 */
export interface StreamPosition {
  /** The top-level transaction id (xid8) that wrote the row, or the snapshot horizon. */
  readonly xactId: bigint;
  /** The row's `stream_id`; 0 for a horizon (rows start at 1). */
  readonly streamId: bigint;
  /** `event`: the row's timeline event was sent; `ticket`: the ticket update after it was sent too. */
  readonly part: 'event' | 'ticket';
}

/** The largest xid8 (an unsigned 64-bit integer). */
const MAX_XID8 = 2n ** 64n - 1n;
/** The largest bigint (`stream_id`). */
const MAX_INT8 = 2n ** 63n - 1n;
const POSITION = /^(0|[1-9][0-9]{0,19})-(0|[1-9][0-9]{0,18})(-t)?$/;

/** The position before every row of the transactions below `xmin`: all of them are delivered. */
export function horizonPosition(xmin: bigint): StreamPosition {
  return { xactId: xmin, streamId: 0n, part: 'event' };
}

/** The wire form: `<xactId>-<streamId>`, with `-t` once the ticket update after the row was sent. */
export function formatStreamPosition(position: StreamPosition): string {
  return `${position.xactId}-${position.streamId}${position.part === 'ticket' ? '-t' : ''}`;
}

/** Reads a `Last-Event-ID`; undefined when it is not a position this server wrote. */
export function parseStreamPosition(text: string): StreamPosition | undefined {
  const match = POSITION.exec(text);
  if (match === null) return undefined;
  const xactId = BigInt(match[1] as string);
  const streamId = BigInt(match[2] as string);
  if (xactId > MAX_XID8 || streamId > MAX_INT8) return undefined;
  return { xactId, streamId, part: match[3] === undefined ? 'event' : 'ticket' };
}

function sign(value: bigint): number {
  return value < 0n ? -1 : value > 0n ? 1 : 0;
}

/** Orders positions: negative when `a` comes first, 0 when equal, positive when `b` does. */
export function compareStreamPositions(a: StreamPosition, b: StreamPosition): number {
  if (a.xactId !== b.xactId) return sign(a.xactId - b.xactId);
  if (a.streamId !== b.streamId) return sign(a.streamId - b.streamId);
  if (a.part === b.part) return 0;
  return a.part === 'event' ? -1 : 1;
}

/** The later of two positions. */
export function laterStreamPosition(a: StreamPosition, b: StreamPosition): StreamPosition {
  return compareStreamPositions(a, b) >= 0 ? a : b;
}
