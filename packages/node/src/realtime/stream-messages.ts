import type { StreamEvent } from '@tierdesk/core';
import { toRequesterView } from '../tickets/ticket.view';
import { type FeedBatch, type FeedRow, type FeedScope, rowPosition } from './event-feed';
import { compareStreamPositions, formatStreamPosition, type StreamPosition } from './stream-position';

/**
 * Control events the stream sends besides the contract's {@link StreamEvent}s:
 * - `stream.ready`: the replay (if any) is done and live events follow; its id is the client's
 *   position, so a client that connected without `Last-Event-ID` can resume from it;
 * - `stream.reset`: more was missed than the server replays (`maxBacklog`); refetch the state over the
 *   REST API — live events continue after it.
 */
export type StreamControlEvent =
  | { type: 'stream.ready' }
  | { type: 'stream.reset'; reason: 'backlog_exceeded' };

/** One SSE message: its resume position, its `event:` name and its `data:` payload. */
export interface StreamMessage {
  readonly position: StreamPosition;
  readonly data: StreamEvent | StreamControlEvent;
}

/** Whether a subscriber with this scope may see the row. @internal */
export function canSee(scope: FeedScope, row: FeedRow): boolean {
  if (row.workspaceId !== scope.workspaceId) return false;
  if (scope.requesterId === undefined) return true;
  return row.requesterId === scope.requesterId && !row.internal;
}

/**
 * The messages of a batch for one subscriber, skipping everything at or before `after` (what the
 * subscriber already has). Each visible row yields a `timeline.appended`; after the ticket's last
 * visible row of the batch comes one `ticket.updated` with the ticket's current projection (it is the
 * same state for every earlier row of the batch, so sending it once per batch loses nothing). End
 * users get no internal rows, and no ticket that is not theirs.
 * @internal
 */
export function buildMessages(batch: FeedBatch, scope: FeedScope, after: StreamPosition): StreamMessage[] {
  const visible = batch.rows.filter((row) => canSee(scope, row));
  const lastOfTicket = new Map<string, FeedRow>();
  for (const row of visible) lastOfTicket.set(row.ticketId, row);

  const messages: StreamMessage[] = [];
  for (const row of visible) {
    const eventPosition = rowPosition(row, 'event');
    if (compareStreamPositions(eventPosition, after) > 0) {
      messages.push({
        position: eventPosition,
        data: { type: 'timeline.appended', ticketId: row.ticketId, event: row.event },
      });
    }
    if (lastOfTicket.get(row.ticketId) !== row) continue;
    const ticketPosition = rowPosition(row, 'ticket');
    const current = batch.tickets.get(row.ticketId);
    if (
      current === undefined ||
      current.workspaceId !== scope.workspaceId ||
      (scope.requesterId !== undefined && current.requesterId !== scope.requesterId) ||
      compareStreamPositions(ticketPosition, after) <= 0
    ) {
      continue;
    }
    messages.push({
      position: ticketPosition,
      data: {
        type: 'ticket.updated',
        // An end user gets the requester's view (no assignee, internal tags, vendor or internal clocks).
        ticket: scope.requesterId === undefined ? current.ticket : toRequesterView(current.ticket),
      },
    });
  }
  return messages;
}

/** The text of one SSE message: `id:`, `event:` and a one-line JSON `data:`. @internal */
export function formatMessage(message: StreamMessage): string {
  // JSON.stringify escapes line breaks inside strings, so the payload is always a single data line.
  return `id: ${formatStreamPosition(message.position)}\nevent: ${message.data.type}\ndata: ${JSON.stringify(message.data)}\n\n`;
}
