import { ApiError, errorResponse } from '../http/api-error';
import type { Identity } from '../identity';
import type { Logger } from '../logger';
import type { SqlDatabase } from '../store';
import {
  type FeedBatch,
  type FeedScope,
  readHorizon,
  readLivePage,
  readRange,
  readTickets,
  rowPosition,
} from './event-feed';
import { buildMessages, formatMessage, type StreamMessage } from './stream-messages';
import {
  compareStreamPositions,
  formatStreamPosition,
  laterStreamPosition,
  parseStreamPosition,
  type StreamPosition,
} from './stream-position';
import { parseTimelineNotification, REALTIME_CHANNEL } from './timeline.notify';

/** Options of {@link createEventHub}. */
export interface EventHubOptions {
  /** The database the ticket service writes `ticket_events` to. */
  db: SqlDatabase;
  /** Where failures of the background reads and slow or dropped clients are reported. */
  logger: Logger;
  /**
   * How often every open stream gets a `: keep-alive` comment (so proxies keep the connection open and
   * dead sockets are found), and how often each watched workspace is re-read in case a notification
   * was lost while the LISTEN connection was being re-established. Default 15 000 ms.
   */
  keepAliveMs?: number;
  /**
   * The most missed events replayed to a resuming client; past that it gets a `stream.reset` event
   * telling it to refetch over the REST API, and continues live. Default 1 000.
   */
  maxBacklog?: number;
}

/** Counters of the open streams, for health checks and metrics. */
export interface EventHubStats {
  /** Open streams (connected clients). */
  readonly subscribers: number;
  /** Workspaces with at least one open stream (each has one reader, shared by its clients). */
  readonly workspaces: number;
}

/** The realtime hub of one server instance; see {@link createEventHub}. */
export interface EventHub {
  /**
   * Answers an SSE request for `identity`: `text/event-stream` of the contract's stream events (an
   * agent: the whole workspace; an end user: their own tickets' public events only), resumed after the
   * request's `Last-Event-ID` header or `?lastEventId=` query when present. A malformed position is
   * answered with a 400 `bad_request`, a closed hub with a 503 `unavailable`. The stream ends when
   * `request.signal` aborts, the client cancels the body, or the hub closes.
   */
  stream(request: Request, identity: Identity): Response;
  /** The current counters. */
  stats(): EventHubStats;
  /** Ends every open stream, stops listening and releases all timers. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_KEEP_ALIVE_MS = 15_000;
const DEFAULT_MAX_BACKLOG = 1_000;
/** Rows per live read; a page is completed to a whole transaction, so it may hold more. */
const PAGE_SIZE = 500;
/** First delay of a re-read while rows are held back by an open transaction, doubled up to the max. */
const RETRY_MIN_MS = 20;
const HELD_BACK_RETRY_MAX_MS = 1_000;
const FAILURE_RETRY_MAX_MS = 5_000;
/**
 * Bytes a client may leave unread. A client still above it at two keep-alive ticks in a row is
 * disconnected (it resumes with Last-Event-ID) rather than growing this process's memory without end.
 */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx buffers proxied responses by default, which would hold events back.
  'x-accel-buffering': 'no',
};

interface Subscriber {
  readonly scope: FeedScope;
  /** Everything at or before it has been sent (or is not for this client). */
  position: StreamPosition | undefined;
  /** Live batches that arrive while the replay is being read, delivered after it. */
  pending: FeedBatch[] | undefined;
  feed: WorkspaceFeed | undefined;
  closed: boolean;
  slowTicks: number;
  send(text: string): void;
  backlogBytes(): number;
  /** Ends the response (when the client is still there) and releases the subscription. */
  end(): void;
}

/** The one reader of a workspace's rows, shared by all of its subscribers on this instance. */
interface WorkspaceFeed {
  readonly workspaceId: string;
  /** Every row at or before it has been fanned out; undefined until the first horizon is read. */
  cursor: StreamPosition | undefined;
  ready: Promise<void>;
  readonly subscribers: Set<Subscriber>;
  /** Subscribers waiting for `ready`, which keep the feed alive. */
  joining: number;
  running: boolean;
  /** A notification arrived during a read: read again afterwards. */
  dirty: boolean;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  retryDelayMs: number;
  closed: boolean;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { error: error.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { error: String(error) };
}

/**
 * Creates the realtime hub of a server instance: Server-Sent Events of timeline rows and ticket
 * updates, with `Last-Event-ID` resume, across instances through PostgreSQL LISTEN/NOTIFY.
 *
 * The instance LISTENs once on {@link REALTIME_CHANNEL} (lazily, at the first stream). A notification
 * names a workspace; the workspace's single reader then reads the new rows once and fans them out to
 * every subscribed client, each filtered by its identity. Rows are read in `(xact_id, stream_id)`
 * order below the snapshot horizon (see {@link StreamPosition} for why this cannot skip a row that
 * commits late). While committed rows are held back by an older open transaction, the reader re-reads
 * with backoff, since the end of that transaction is announced by nobody.
 */
export function createEventHub(options: EventHubOptions): EventHub {
  const { db, logger } = options;
  const keepAliveMs = positiveInteger(options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS, 'keepAliveMs');
  const maxBacklog = positiveInteger(options.maxBacklog ?? DEFAULT_MAX_BACKLOG, 'maxBacklog');
  const encoder = new TextEncoder();
  const feeds = new Map<string, WorkspaceFeed>();
  const subscribers = new Set<Subscriber>();
  let listening: Promise<() => Promise<void>> | undefined;
  let keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  // Background reads still running, so close() can wait for them before the host closes the database.
  const inflight = new Set<Promise<void>>();

  function track<T extends Promise<void>>(work: T): T {
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
    return work;
  }

  function onNotification(payload: string): void {
    const notification = parseTimelineNotification(payload);
    if (notification === undefined) {
      logger.warn('realtime: ignored a malformed notification', { channel: REALTIME_CHANNEL, payload });
      return;
    }
    const feed = feeds.get(notification.workspaceId);
    if (feed !== undefined) requestRead(feed);
  }

  function ensureListening(): Promise<() => Promise<void>> {
    listening ??= db.listen(REALTIME_CHANNEL, onNotification).catch((error: unknown) => {
      // Let the next stream try again instead of remembering the failure forever.
      listening = undefined;
      throw error;
    });
    return listening;
  }

  function acquireFeed(workspaceId: string): WorkspaceFeed {
    const existing = feeds.get(workspaceId);
    if (existing !== undefined) return existing;
    const feed: WorkspaceFeed = {
      workspaceId,
      cursor: undefined,
      ready: Promise.resolve(),
      subscribers: new Set(),
      joining: 0,
      running: false,
      dirty: false,
      retryTimer: undefined,
      retryDelayMs: RETRY_MIN_MS,
      closed: false,
    };
    // The LISTEN is active before the horizon is read, so every transaction committing later is
    // announced; those that committed earlier are below the horizon (nothing to send a new client) or
    // held back above it, which the first read finds.
    feed.ready = readHorizon(db).then((horizon) => {
      feed.cursor = horizon;
      requestRead(feed);
    });
    feed.ready.catch(() => {
      // The joining subscribers receive the failure; a later subscriber starts a fresh feed.
      if (feeds.get(workspaceId) === feed) feeds.delete(workspaceId);
      feed.closed = true;
    });
    feeds.set(workspaceId, feed);
    return feed;
  }

  function releaseFeedIfIdle(feed: WorkspaceFeed): void {
    if (feed.subscribers.size > 0 || feed.joining > 0) return;
    feed.closed = true;
    clearTimeout(feed.retryTimer);
    feed.retryTimer = undefined;
    if (feeds.get(feed.workspaceId) === feed) feeds.delete(feed.workspaceId);
  }

  function requestRead(feed: WorkspaceFeed): void {
    if (feed.closed || feed.cursor === undefined) return;
    if (feed.running) {
      feed.dirty = true;
      return;
    }
    clearTimeout(feed.retryTimer);
    feed.retryTimer = undefined;
    feed.running = true;
    void track(readFeed(feed));
  }

  function scheduleRetry(feed: WorkspaceFeed, failed: boolean): void {
    if (feed.closed || feed.retryTimer !== undefined) return;
    const delayMs = feed.retryDelayMs;
    feed.retryDelayMs = Math.min(delayMs * 2, failed ? FAILURE_RETRY_MAX_MS : HELD_BACK_RETRY_MAX_MS);
    feed.retryTimer = setTimeout(() => {
      feed.retryTimer = undefined;
      requestRead(feed);
    }, delayMs);
    feed.retryTimer.unref?.();
  }

  // Never rejects: failures are logged and retried, since no caller is waiting for a background read.
  async function readFeed(feed: WorkspaceFeed): Promise<void> {
    let heldBack = false;
    let failed = false;
    try {
      do {
        feed.dirty = false;
        let more = true;
        while (more && !feed.closed) {
          const cursor = feed.cursor as StreamPosition;
          const page = await readLivePage(db, feed.workspaceId, cursor, PAGE_SIZE);
          const tickets = await readTickets(db, page.rows);
          if (feed.closed) return;
          // Fan-out and the cursor move together, synchronously: a subscriber joining at cursor C
          // receives exactly the batches after C.
          if (page.rows.length > 0) fanOut(feed, { rows: page.rows, tickets });
          feed.cursor = laterStreamPosition(cursor, page.next);
          more = page.more;
          heldBack = page.heldBack;
        }
      } while (feed.dirty && !feed.closed);
    } catch (error) {
      failed = true;
      logger.error('realtime: reading new timeline rows failed; retrying', {
        workspaceId: feed.workspaceId,
        ...errorFields(error),
      });
    } finally {
      feed.running = false;
    }
    if (feed.closed) return;
    if (failed || heldBack) {
      scheduleRetry(feed, failed);
    } else {
      feed.retryDelayMs = RETRY_MIN_MS;
    }
    if (feed.dirty && !failed) requestRead(feed);
  }

  function fanOut(feed: WorkspaceFeed, batch: FeedBatch): void {
    for (const subscriber of feed.subscribers) {
      if (subscriber.pending !== undefined) subscriber.pending.push(batch);
      else deliver(subscriber, batch);
    }
  }

  function sendMessage(subscriber: Subscriber, message: StreamMessage): void {
    subscriber.send(formatMessage(message));
    subscriber.position = message.position;
  }

  function deliver(subscriber: Subscriber, batch: FeedBatch): void {
    const after = subscriber.position as StreamPosition;
    for (const message of buildMessages(batch, subscriber.scope, after)) {
      if (subscriber.closed) return;
      sendMessage(subscriber, message);
    }
  }

  async function replay(subscriber: Subscriber, from: StreamPosition, to: StreamPosition): Promise<void> {
    // The first row may be `from` itself: read so the ticket update owed after it can still be sent.
    const rows = await readRange(db, subscriber.scope, from, to, maxBacklog + 2);
    const missed = rows.filter((row) => compareStreamPositions(rowPosition(row), from) > 0).length;
    if (missed > maxBacklog) {
      if (!subscriber.closed) {
        sendMessage(subscriber, { position: to, data: { type: 'stream.reset', reason: 'backlog_exceeded' } });
      }
      return;
    }
    const tickets = await readTickets(db, rows);
    if (!subscriber.closed) deliver(subscriber, { rows, tickets });
  }

  async function open(subscriber: Subscriber, resumeFrom: StreamPosition | undefined): Promise<void> {
    await ensureListening();
    if (subscriber.closed || closed) return;
    const feed = acquireFeed(subscriber.scope.workspaceId);
    feed.joining += 1;
    try {
      await feed.ready;
    } finally {
      feed.joining -= 1;
    }
    if (subscriber.closed || closed || feed.closed) {
      releaseFeedIfIdle(feed);
      if (!subscriber.closed) subscriber.end();
      return;
    }
    // From here on every batch the feed fans out lies after joinedAt; buffer them during the replay.
    const joinedAt = feed.cursor as StreamPosition;
    subscriber.position = resumeFrom ?? joinedAt;
    subscriber.pending = [];
    subscriber.feed = feed;
    feed.subscribers.add(subscriber);
    if (resumeFrom !== undefined && compareStreamPositions(resumeFrom, joinedAt) < 0) {
      await replay(subscriber, resumeFrom, joinedAt);
    }
    if (subscriber.closed) return;
    for (const batch of subscriber.pending) deliver(subscriber, batch);
    subscriber.pending = undefined;
    if (subscriber.closed) return;
    sendMessage(subscriber, { position: subscriber.position, data: { type: 'stream.ready' } });
  }

  function keepAlive(): void {
    for (const subscriber of subscribers) {
      subscriber.send(': keep-alive\n\n');
      if (subscriber.closed) continue;
      subscriber.slowTicks = subscriber.backlogBytes() > MAX_BUFFERED_BYTES ? subscriber.slowTicks + 1 : 0;
      if (subscriber.slowTicks >= 2) {
        logger.warn('realtime: disconnected a client that does not read its stream', {
          workspaceId: subscriber.scope.workspaceId,
          bufferedBytes: subscriber.backlogBytes(),
        });
        subscriber.end();
      }
    }
    // A notification sent while the LISTEN connection was being re-established is lost; this bounds
    // the delay such a loss can cause.
    for (const feed of feeds.values()) requestRead(feed);
  }

  function attach(subscriber: Subscriber): void {
    subscribers.add(subscriber);
    if (keepAliveTimer === undefined) {
      keepAliveTimer = setInterval(keepAlive, keepAliveMs);
      keepAliveTimer.unref?.();
    }
  }

  function detach(subscriber: Subscriber): void {
    subscribers.delete(subscriber);
    const feed = subscriber.feed;
    if (feed !== undefined) {
      feed.subscribers.delete(subscriber);
      releaseFeedIfIdle(feed);
    }
    if (subscribers.size === 0 && keepAliveTimer !== undefined) {
      clearInterval(keepAliveTimer);
      keepAliveTimer = undefined;
    }
  }

  function stream(request: Request, identity: Identity): Response {
    if (closed) {
      return errorResponse(new ApiError('unavailable', 'The event stream is shutting down; reconnect.'));
    }
    const raw = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
    let resumeFrom: StreamPosition | undefined;
    if (raw !== null && raw !== '') {
      resumeFrom = parseStreamPosition(raw.trim());
      if (resumeFrom === undefined) {
        return errorResponse(
          new ApiError('bad_request', 'Last-Event-ID is not a position of this event stream.', {
            issues: [
              { path: ['Last-Event-ID'], code: 'invalid_format', message: 'expected <xact>-<stream>[-t]' },
            ],
          }),
        );
      }
    }
    const scope: FeedScope =
      identity.kind === 'user'
        ? { workspaceId: identity.workspaceId, requesterId: identity.userId }
        : { workspaceId: identity.workspaceId };

    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let cancelled = false;
    const onAbort = (): void => subscriber.end();
    const release = (): void => {
      if (subscriber.closed) return;
      subscriber.closed = true;
      request.signal.removeEventListener('abort', onAbort);
      detach(subscriber);
      logger.debug('realtime: stream closed', { workspaceId: scope.workspaceId });
    };
    const subscriber: Subscriber = {
      scope,
      position: undefined,
      pending: undefined,
      feed: undefined,
      closed: false,
      slowTicks: 0,
      send(text) {
        if (!subscriber.closed) controller?.enqueue(encoder.encode(text));
      },
      backlogBytes() {
        const desired = controller?.desiredSize ?? MAX_BUFFERED_BYTES;
        return MAX_BUFFERED_BYTES - desired;
      },
      end() {
        const wasOpen = !subscriber.closed;
        release();
        // After a cancel the stream is already closed; closing it again would throw.
        if (wasOpen && !cancelled) controller?.close();
      },
    };

    const body = new ReadableStream<Uint8Array>(
      {
        start(streamController) {
          controller = streamController;
          attach(subscriber);
          // A first byte right away, so adapters and proxies send the headers without waiting.
          subscriber.send(': connected\n\n');
          if (request.signal.aborted) {
            subscriber.end();
            return;
          }
          request.signal.addEventListener('abort', onAbort, { once: true });
          logger.debug('realtime: stream opened', {
            workspaceId: scope.workspaceId,
            kind: identity.kind,
            resumeFrom: resumeFrom === undefined ? undefined : formatStreamPosition(resumeFrom),
          });
          track(
            open(subscriber, resumeFrom).catch((error: unknown) => {
              if (subscriber.closed) return;
              logger.error('realtime: opening a stream failed; the client will reconnect', {
                workspaceId: scope.workspaceId,
                ...errorFields(error),
              });
              subscriber.end();
            }),
          );
        },
        cancel() {
          cancelled = true;
          release();
        },
      },
      { highWaterMark: MAX_BUFFERED_BYTES, size: (chunk) => chunk.byteLength },
    );
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const subscriber of [...subscribers]) subscriber.end();
    for (const feed of feeds.values()) {
      feed.closed = true;
      clearTimeout(feed.retryTimer);
    }
    feeds.clear();
    clearInterval(keepAliveTimer);
    keepAliveTimer = undefined;
    // Neither rejects: readFeed logs its own failures and every open() carries a catch.
    await Promise.all([...inflight]);
    const pending = listening;
    listening = undefined;
    if (pending === undefined) return;
    let unlisten: (() => Promise<void>) | undefined;
    try {
      unlisten = await pending;
    } catch {
      // The LISTEN never became active (its failure went to the stream that started it): nothing to undo.
      return;
    }
    await unlisten();
  }

  return {
    stream,
    stats: () => ({ subscribers: subscribers.size, workspaces: feeds.size }),
    close,
  };
}
