import type { QueryClient } from '@tanstack/react-query';
import type { StreamEvent, TierdeskClient, TierdeskError } from '@tierdesk/core';
import { useEffect, useRef, useState } from 'react';
import { useTierdeskContext } from '../provider/use-tierdesk-context';
import { applyStreamEvent, invalidateStreamedQueries, type TicketStreamScope } from './stream-cache';
import {
  openTicketStream,
  type StreamFetch,
  type TicketStreamBackoff,
  type TicketStreamStatus,
} from './ticket-stream';

/** Options of {@link useTicketStream}. */
export interface UseTicketStreamOptions {
  /** `user`: the signed-in end user's tickets (`GET /v1/stream`); `agent`: the workspace (`GET /v1/agent/stream`). */
  scope: TicketStreamScope;
  /** Whether the stream is open. Default `true`. */
  enabled?: boolean;
  /** Called with every event after it was applied to the cache (e.g. to feed the widget machine). */
  onEvent?: (event: StreamEvent) => void;
  /** The credential for the stream; default: the provider's `getToken`. Needed when the provider was given a ready `client`. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** The `fetch` reading the stream. Default `globalThis.fetch`. */
  fetch?: StreamFetch;
  /** Reconnection backoff (default 1 s doubling to 30 s, jittered). */
  backoff?: TicketStreamBackoff;
  /** Reconnect after this long without a byte (the server sends a keep-alive every 15 s). Default 45 000 ms. */
  heartbeatTimeoutMs?: number;
  /** Close the connection once the page stayed hidden this long, resume when shown; `false` never. Default 5 min. */
  pauseWhenHiddenMs?: number | false;
}

/** What {@link useTicketStream} reports. */
export interface TicketStreamState {
  /** Where the connection stands (see {@link TicketStreamStatus}). */
  status: TicketStreamStatus;
  /** The position the next reconnection resumes from (`Last-Event-ID`); `null` before the first event. */
  lastEventId: string | null;
  /** Why the stream last failed or closed; `null` once it is open again. */
  error: TierdeskError | null;
}

/**
 * Keeps the cache live from the server's event stream: `ticket.updated` is written into every cached
 * view of the ticket (detail, lists, requester history), `timeline.appended` into the cached
 * timelines, `stream.reset` and the first `stream.ready` (what happened before the stream was
 * listening) invalidate the ticket queries. Reconnects with backoff and jitter, resuming with
 * `Last-Event-ID` (no event lost or applied twice), waits while offline, pauses while the page stays
 * hidden, and closes on unmount or when the provider's identity changes. Mount it once, high in the tree.
 *
 * ```tsx
 * const { status } = useTicketStream({ scope: 'user' });
 * ```
 */
export function useTicketStream(options: UseTicketStreamOptions): TicketStreamState {
  return useTicketStreamOn(useTierdeskContext(), options);
}

/** What a stream connects through: the provider's context, or a drop-in widget's own (no cache). */
export interface StreamConnection {
  readonly client: TierdeskClient;
  readonly identity: string;
  /** The cache the events are written into; `null` when there is none (events only reach `onEvent`). */
  readonly queryClient: QueryClient | null;
  readonly getToken?: (() => string | null | undefined | Promise<string | null | undefined>) | undefined;
}

/** {@link useTicketStream} over a given connection instead of the provider's. */
export function useTicketStreamOn(
  connection: StreamConnection,
  options: UseTicketStreamOptions,
): TicketStreamState {
  const { client, identity, queryClient, getToken: providerGetToken } = connection;
  const { scope, enabled = true } = options;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  // Where the last connection of this identity and scope stopped, so a remount resumes there.
  const resumeRef = useRef<{ key: string; lastEventId: string | undefined }>({
    key: '',
    lastEventId: undefined,
  });
  const [state, setState] = useState<TicketStreamState>(() => ({
    status: enabled ? 'connecting' : 'closed',
    lastEventId: null,
    error: null,
  }));

  useEffect(() => {
    if (!enabled) {
      setState((s) => (s.status === 'closed' ? s : { ...s, status: 'closed' }));
      return;
    }
    const key = `${scope}\u0000${identity}`;
    if (resumeRef.current.key !== key) resumeRef.current = { key, lastEventId: undefined };
    const resume = resumeRef.current;
    let active = true;
    setState({ status: 'connecting', lastEventId: resume.lastEventId ?? null, error: null });

    const connection = openTicketStream({
      url: client.streamUrl(scope === 'user' ? 'userStream' : 'agentStream'),
      parseEvent: client.parseStreamEvent,
      getToken: () => (optionsRef.current.getToken ?? providerGetToken)?.(),
      lastEventId: resume.lastEventId,
      fetch: optionsRef.current.fetch,
      backoff: optionsRef.current.backoff,
      heartbeatTimeoutMs: optionsRef.current.heartbeatTimeoutMs,
      pauseWhenHiddenMs: optionsRef.current.pauseWhenHiddenMs,
      onEvent(event, _lastEventId, resumed) {
        if (!active) return;
        // A fresh connection (no position to resume from) missed whatever happened before it
        // listened: what the cache holds from before may be stale. A resumed one missed nothing.
        if (queryClient !== null) {
          if (event.type === 'stream.ready' && !resumed) invalidateStreamedQueries(queryClient, identity);
          applyStreamEvent(queryClient, identity, scope, event);
        }
        optionsRef.current.onEvent?.(event);
      },
      onLastEventId(id) {
        if (!active) return;
        resume.lastEventId = id;
        setState((s) => ({ ...s, lastEventId: id }));
      },
      onStatus(status, error) {
        if (!active) return;
        setState((s) => ({ ...s, status, error: status === 'open' ? error : (error ?? s.error) }));
      },
    });
    return () => {
      active = false;
      connection.close();
    };
  }, [client, identity, queryClient, providerGetToken, scope, enabled]);

  return state;
}
