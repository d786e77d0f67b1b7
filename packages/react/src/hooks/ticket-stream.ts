import { type StreamEvent, TierdeskApiError, TierdeskError } from '@tierdesk/core/lean';

// The realtime connection behind `useTicketStream`, framework-agnostic: Server-Sent Events read over
// `fetch` (so the credential travels in the Authorization header, never in a URL that proxies log),
// parsed by hand (the format is a few lines; EventSource cannot send headers and a polyfill would
// cost more bytes than this file), resumed with `Last-Event-ID` after every drop. Browser globals are
// read only once a connection is opened, never at import time.

/**
 * Where a ticket stream stands: `connecting` (first attempt), `open` (replay done, live events
 * flowing), `reconnecting` (dropped; waiting out the backoff or trying again), `offline` (the
 * browser reports no network; resumes on the `online` event), `paused` (the page stayed hidden; resumes
 * when it is shown again), `closed` (disabled, unmounted, or refused for good — see `error`).
 */
export type TicketStreamStatus = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'paused' | 'closed';

/** One parsed SSE message. */
export interface SseMessage {
  /** The `event:` field (`message` when absent). */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event id seen on the stream so far (what `Last-Event-ID` resumes from). */
  lastEventId: string | undefined;
}

/** An incremental SSE parser: feed it decoded text in chunks of any size. */
export interface SseParser {
  /** Parses a chunk; complete messages are handed to the callback as they end. */
  push(chunk: string): void;
  /** The `retry:` delay the server asked for, in milliseconds, if any. */
  readonly retryMs: number | undefined;
}

/**
 * Creates an SSE parser following the WHATWG event-stream rules: `\n`, `\r\n` and `\r` line ends
 * (also when split across chunks), comments, a leading BOM, multi-line `data:`, `id:` kept across
 * messages (ids with NUL ignored), id-only messages that move the resume position, `retry:`.
 */
export function createSseParser(
  onMessage: (message: SseMessage) => void,
  onId?: (lastEventId: string) => void,
): SseParser {
  let buffer = '';
  let started = false;
  let afterCr = false;
  let data: string[] = [];
  let event = '';
  let lastEventId: string | undefined;
  let idBuffer: string | undefined;
  let retryMs: number | undefined;

  function dispatch(): void {
    if (idBuffer !== undefined && idBuffer !== lastEventId) {
      lastEventId = idBuffer;
      onId?.(lastEventId);
    }
    if (data.length > 0)
      onMessage({ event: event === '' ? 'message' : event, data: data.join('\n'), lastEventId });
    data = [];
    event = '';
  }

  function line(text: string): void {
    if (text === '') {
      dispatch();
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) idBuffer = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
  }

  return {
    push(chunk) {
      buffer += chunk;
      if (!started && buffer.length > 0) {
        started = true;
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      }
      let start = 0;
      // The previous chunk ended in CR: an LF opening this one is the rest of that CRLF.
      if (afterCr && buffer.charCodeAt(0) === 10) start = 1;
      afterCr = false;
      for (let i = start; i < buffer.length; i++) {
        const code = buffer.charCodeAt(i);
        if (code !== 10 && code !== 13) continue;
        line(buffer.slice(start, i));
        if (code === 13) {
          if (i === buffer.length - 1) afterCr = true;
          else if (buffer.charCodeAt(i + 1) === 10) i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    get retryMs() {
      return retryMs;
    },
  };
}

/** Backoff of reconnection attempts: `min(maxDelayMs, initialDelayMs × 2ⁿ)`, jittered to 50–100 %. */
export interface TicketStreamBackoff {
  /** First delay after a drop, in milliseconds. Default 1 000. */
  initialDelayMs?: number;
  /** Longest delay, in milliseconds. Default 30 000. */
  maxDelayMs?: number;
}

/** The `fetch` the stream uses (the standard one by default). */
export type StreamFetch = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link openTicketStream}. */
export interface TicketStreamOptions {
  /** The stream's absolute URL (`client.streamUrl('userStream')`). */
  url: string;
  /**
   * Checks one parsed message and returns it as an event, throwing a `TierdeskError` when it is not
   * one: the client's `parseStreamEvent` (schema-checked with `createClient`, shape-checked with
   * `createLeanClient`), so this file bundles no schemas of its own.
   */
  parseEvent: (data: unknown) => StreamEvent;
  /** The credential, sent as `Authorization: Bearer`; called before every attempt (tokens expire). */
  getToken?: (() => string | null | undefined | Promise<string | null | undefined>) | undefined;
  /** Resume after this position (a previous connection's last event id). */
  lastEventId?: string | undefined;
  /** Default `globalThis.fetch`. */
  fetch?: StreamFetch | undefined;
  /** Reconnection backoff. */
  backoff?: TicketStreamBackoff | undefined;
  /**
   * Reconnect when nothing (not even the server's keep-alive comment, every 15 s) arrived for this
   * long: a half-open TCP connection otherwise looks alive forever. Default 45 000.
   */
  heartbeatTimeoutMs?: number | undefined;
  /** Close the connection after the page stayed hidden this long; `false` never. Default 300 000. */
  pauseWhenHiddenMs?: number | false | undefined;
  /** For tests: the jitter source. Default `Math.random`. */
  random?: (() => number) | undefined;
  /**
   * Every contract event, in order, with the position it leaves the stream at and whether the
   * connection it came on resumed from a position (`false`: a fresh start, which missed whatever
   * happened before it; its `stream.ready` is the moment to refetch).
   */
  onEvent(event: StreamEvent, lastEventId: string | undefined, resumed: boolean): void;
  /** Every status change, with the error that caused it (if any). */
  onStatus(status: TicketStreamStatus, error: TierdeskError | null): void;
  /** The resume position moved (also on `stream.ready` and id-only messages). */
  onLastEventId?: ((lastEventId: string) => void) | undefined;
}

/** An open ticket stream. */
export interface TicketStreamConnection {
  /** Closes the connection for good (status `closed`). */
  close(): void;
  /** The position a reconnection resumes from. */
  readonly lastEventId: string | undefined;
}

type Wakeable = { wake: () => void };

const FATAL_STATUSES = new Set([403, 404, 405, 410]);

/** A typed error from a refused stream answer (the API's `{ error: { code, message } }` when present). */
async function refusal(response: Response): Promise<TierdeskApiError> {
  let code =
    response.status === 401 ? 'unauthenticated' : response.status >= 500 ? 'unavailable' : 'bad_request';
  let message = `The event stream answered HTTP ${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not the API's error shape (a proxy's page, say): the status says enough.
  }
  return new TierdeskApiError(code, message, { route: 'stream', status: response.status });
}

function networkError(error: unknown): TierdeskError {
  if (error instanceof TierdeskError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new TierdeskError('network', `The event stream was cut off (${reason})`, {
    route: 'stream',
    cause: error,
  });
}

/**
 * Opens a ticket event stream and keeps it open: reconnects with exponential backoff and jitter,
 * resuming with `Last-Event-ID` so nothing is missed or repeated; waits while the browser is offline;
 * closes while the page stays hidden. Stops for good only on `close()` or an answer that retrying
 * cannot fix (403, 404). Events failing the contract's schema are skipped and reported as an
 * `invalid_response` error on the next status.
 */
export function openTicketStream(options: TicketStreamOptions): TicketStreamConnection {
  const backoffInitial = options.backoff?.initialDelayMs ?? 1_000;
  const backoffMax = options.backoff?.maxDelayMs ?? 30_000;
  const heartbeatMs = options.heartbeatTimeoutMs ?? 45_000;
  const hiddenMs = options.pauseWhenHiddenMs ?? 300_000;
  const random = options.random ?? Math.random;
  const doFetch: StreamFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  let lastEventId = options.lastEventId;
  let closed = false;
  let status: TicketStreamStatus | undefined;
  let everOpen = false;
  let attempt = 0;
  let offline = false;
  let hidden = false;
  let paused = false;
  let current: AbortController | undefined;
  let sleeper: Wakeable | undefined;
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined;

  const setStatus = (next: TicketStreamStatus, error: TierdeskError | null = null): void => {
    if (next === status && error === null) return;
    status = next;
    options.onStatus(next, error);
  };
  const wake = (): void => sleeper?.wake();
  const abortCurrent = (): void => current?.abort();

  // Network and visibility, through whatever the runtime offers (a browser, jsdom; nothing on a server).
  const win = typeof window === 'undefined' ? undefined : window;
  const doc = typeof document === 'undefined' ? undefined : document;
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  offline = nav?.onLine === false;
  const onOffline = (): void => {
    offline = true;
    abortCurrent();
    wake();
  };
  const onOnline = (): void => {
    offline = false;
    attempt = 0;
    wake();
  };
  const onVisibility = (): void => {
    hidden = doc?.visibilityState === 'hidden';
    clearTimeout(hiddenTimer);
    if (hidden && hiddenMs !== false) {
      hiddenTimer = setTimeout(() => {
        paused = true;
        abortCurrent();
        wake();
      }, hiddenMs);
    } else if (!hidden && paused) {
      paused = false;
      attempt = 0;
      wake();
    }
  };
  win?.addEventListener('offline', onOffline);
  win?.addEventListener('online', onOnline);
  doc?.addEventListener('visibilitychange', onVisibility);

  /** Waits `ms` (or until woken, when `ms` is undefined); resolves early on wake. */
  function sleep(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        sleeper = undefined;
        resolve();
      }
      sleeper = { wake: done };
    });
  }

  let pendingError: TierdeskError | null = null;
  let attemptResumed = false;

  function handle(message: SseMessage): void {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch (error) {
      pendingError = new TierdeskError('invalid_response', 'An event-stream message is not JSON', {
        route: 'stream',
        cause: error,
      });
      return;
    }
    let event: StreamEvent;
    try {
      event = options.parseEvent(data);
    } catch (error) {
      pendingError =
        error instanceof TierdeskError
          ? error
          : new TierdeskError(
              'invalid_response',
              `An event-stream message does not match the contract (${message.event})`,
              { route: 'stream', cause: error },
            );
      return;
    }
    if (event.type === 'stream.ready') {
      everOpen = true;
      attempt = 0;
      const error = pendingError;
      pendingError = null;
      setStatus('open', error);
    }
    options.onEvent(event, message.lastEventId, attemptResumed);
  }

  async function connectOnce(): Promise<{ error: TierdeskError | null; fatal: boolean }> {
    const controller = new AbortController();
    current = controller;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), heartbeatMs);
    };
    try {
      const token = await options.getToken?.();
      if (controller.signal.aborted) return { error: null, fatal: false };
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
      attemptResumed = lastEventId !== undefined;
      arm();
      const response = await doFetch(options.url, {
        headers,
        signal: controller.signal,
        cache: 'no-store',
      });
      if (!response.ok) {
        const error = await refusal(response);
        // A position this server does not know (another database, say): start afresh.
        if (response.status === 400 && lastEventId !== undefined) lastEventId = undefined;
        return { error, fatal: FATAL_STATUSES.has(response.status) };
      }
      const type = response.headers.get('content-type') ?? '';
      if (!type.includes('text/event-stream') || response.body === null) {
        await response.body?.cancel();
        return {
          error: new TierdeskError(
            'invalid_response',
            `The event stream answered ${type || 'no content type'}`,
            {
              route: 'stream',
            },
          ),
          fatal: false,
        };
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = createSseParser(handle, (id) => {
        lastEventId = id;
        options.onLastEventId?.(id);
      });
      try {
        for (;;) {
          arm();
          const { done, value } = await reader.read();
          if (done) break;
          parser.push(decoder.decode(value, { stream: true }));
          if (closed) break;
        }
      } finally {
        reader.releaseLock();
        controller.abort();
      }
      if (parser.retryMs !== undefined) retryAfterMs = parser.retryMs;
      return { error: null, fatal: false };
    } catch (error) {
      if (controller.signal.aborted && (closed || offline || paused)) return { error: null, fatal: false };
      return { error: networkError(error), fatal: false };
    } finally {
      clearTimeout(watchdog);
      if (current === controller) current = undefined;
    }
  }

  let retryAfterMs: number | undefined;

  async function run(): Promise<void> {
    while (!closed) {
      if (offline) {
        setStatus('offline');
        await sleep(undefined);
        continue;
      }
      if (paused) {
        setStatus('paused');
        await sleep(undefined);
        continue;
      }
      setStatus(everOpen || attempt > 0 ? 'reconnecting' : 'connecting');
      const { error, fatal } = await connectOnce();
      if (closed) break;
      if (fatal) {
        closed = true;
        setStatus('closed', error);
        break;
      }
      if (offline || paused) continue;
      setStatus('reconnecting', error);
      const exponential = Math.min(backoffMax, backoffInitial * 2 ** attempt);
      const delay = Math.max(retryAfterMs ?? 0, exponential * (0.5 + random() * 0.5));
      attempt = Math.min(attempt + 1, 30);
      await sleep(delay);
    }
    detach();
  }

  function detach(): void {
    clearTimeout(hiddenTimer);
    win?.removeEventListener('offline', onOffline);
    win?.removeEventListener('online', onOnline);
    doc?.removeEventListener('visibilitychange', onVisibility);
  }

  void run();

  return {
    close() {
      if (closed) return;
      closed = true;
      abortCurrent();
      wake();
      detach();
      setStatus('closed');
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
