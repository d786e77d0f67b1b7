import { type StreamEvent, TierdeskError } from '@tierdesk/core/lean';
import {
  type MachineActor as Actor,
  connectWidget,
  createActor,
  type WidgetAnnouncement,
  type WidgetApi,
  type WidgetEvent,
  type WidgetIdentity,
  type WidgetPanel,
  type WidgetSnapshot,
  widgetMachine,
} from '@tierdesk/core/widget';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';

import { type UseTicketStreamOptions, useTicketStreamOn } from '../hooks/use-ticket-stream';
import { createDeflectionRecorder, createWidgetActors } from './widget.actors';
import {
  useWidgetConnection,
  type WidgetConnection,
  type WidgetConnectionOptions,
} from './widget.connection';
import { collectDiagnostics, type WidgetDiagnosticsOptions } from './widget.diagnostics';
import {
  clearWidgetDrafts,
  defaultDraftStorage,
  readWidgetDrafts,
  type WidgetDraftStorage,
  writeWidgetDrafts,
} from './widget.drafts';

/** Options of {@link useWidget}. Read when the widget starts (and again when the identity changes). */
export interface UseWidgetOptions extends WidgetConnectionOptions {
  /** BCP 47 language of search and articles. Default `en`. */
  locale?: string;
  /** Debounce of search-as-you-type and deflection suggestions, in ms. Default 250. */
  debounceMs?: number;
  /** The signed-in end user (name and email shown to agents); sent as `SESSION.IDENTIFY` when it changes. */
  user?: WidgetIdentity;
  /**
   * Keep the open widget live over the user's event stream (agent replies, status changes, CSAT
   * requests). Default `true`. Independent of a `useTicketStream` the host mounts itself.
   */
  live?: boolean;
  /** Options of the live stream (backoff, heartbeat, `fetch`). */
  stream?: Omit<UseTicketStreamOptions, 'scope' | 'enabled' | 'onEvent'>;
  /**
   * Where unsent drafts and the offline outbox survive a reload, keyed by the identity
   * and wiped by `reset()`. Default `localStorage`; `null` keeps them in memory only.
   */
  storage?: WidgetDraftStorage | null;
  /** Text for the host's live region (new message, ticket created, offline…). */
  onAnnounce?: (announcement: WidgetAnnouncement) => void;
  /** Move focus into this panel (the view now shown, or the offline notice). */
  onFocusPanel?: (panel: WidgetPanel) => void;
  /** Failures that have no view of their own: deflection steps the server refused, a full storage. */
  onError?: (error: TierdeskError) => void;
  /**
   * Resend a message whose send failed on a transient error (network, timeout, 503, 429) with
   * backoff while online, under the same Idempotency-Key. Default 1 s doubling to 30 s; `false` leaves it
   * to `retry()`.
   */
  resend?: { initialDelayMs?: number; maxDelayMs?: number } | false;
  /**
   * Opt-in diagnostics attached to each new ticket and shown to agents (app version, page, browser,
   * the host's recent errors). Off unless given.
   */
  diagnostics?: WidgetDiagnosticsOptions;
  /** A fresh widget session id per start (default `crypto.randomUUID()`); 1–64 characters, never reused. */
  createSessionId?: () => string;
}

type WidgetActor = Actor<typeof widgetMachine>;

/** The actor behind `useWidget` as an external store (what `@xstate/react`'s `useSelector` does, in a few lines). */
interface WidgetStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): WidgetSnapshot;
  send(event: WidgetEvent): void;
  start(actor: WidgetActor): void;
  stop(): void;
}

function createWidgetStore(): WidgetStore {
  let actor: WidgetActor | null = null;
  // What renders before the effect starts the real actor, and on the server: the closed widget.
  let idle: WidgetActor | null = null;
  let pending: WidgetEvent[] = [];
  let unsubscribe: (() => void) | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot() {
      if (actor !== null) return actor.getSnapshot();
      idle ??= createActor(widgetMachine, { input: { sessionId: 'idle' } });
      return idle.getSnapshot();
    },
    send(event) {
      // Before the start (a control-API call during the first render) events wait for the actor.
      if (actor === null) pending.push(event);
      else actor.send(event);
    },
    start(next) {
      actor = next;
      const subscription = next.subscribe({ next: notify, error: notify });
      unsubscribe = () => subscription.unsubscribe();
      next.start();
      const queued = pending;
      pending = [];
      for (const event of queued) next.send(event);
      notify();
    },
    stop() {
      unsubscribe?.();
      actor?.stop();
      actor = null;
      notify();
    },
  };
}

function randomSessionId(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const TRANSIENT_SEND_ERRORS = new Set(['network', 'timeout', 'unavailable', 'rate_limited']);

function streamEventToWidget(event: StreamEvent): WidgetEvent | undefined {
  if (event.type === 'ticket.updated') return { type: 'TICKET.UPDATED', ticket: event.ticket };
  if (event.type === 'timeline.appended') {
    return { type: 'TIMELINE.APPENDED', ticketId: event.ticketId, event: event.event };
  }
  // More was missed than the server replays: what the widget shows is reloaded.
  if (event.type === 'stream.reset') return { type: 'STREAM.RESYNC' };
  return undefined;
}

/**
 * The in-app help widget, headless: the core widget machine run with the provider's client (or its own, given `baseUrl`), returned
 * as its view API (`connectWidget`) — what the screen shows and the intents to send (`search`,
 * `openArticle`, `newTicket`, `submitTicket`, `sendMessage`, `rate`…). Render it however you like;
 * `<SupportWidget/>` is one rendering.
 *
 * Unsent work survives: the ticket form, composer text and messages sent while offline are kept in
 * `localStorage` under the identity and sent once back online, each with its own
 * Idempotency-Key so a resend never stores a message twice. `reset()` (logout) wipes them. While the
 * widget is open, agent replies and status changes arrive live over the event stream.
 *
 * A new identity in the provider starts a new widget session (nothing of the previous user is kept
 * in memory); call `reset()` before signing out to also forget that user's stored drafts.
 */
export function useWidget(options: UseWidgetOptions = {}): WidgetApi {
  const tierdesk = useWidgetConnection(options);
  const { identity } = tierdesk;
  const tierdeskRef = useRef<WidgetConnection>(tierdesk);
  tierdeskRef.current = tierdesk;
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const [store] = useState(createWidgetStore);

  // One actor per identity: created, restored from storage and started in an effect (never during a
  // server render), stopped on unmount or when someone else signs in.
  useEffect(() => {
    const current = optionsRef.current;
    const getTierdesk = () => tierdeskRef.current;
    const report = (error: unknown) => {
      const typed =
        error instanceof TierdeskError
          ? error
          : new TierdeskError('storage_failed', error instanceof Error ? error.message : String(error), {
              cause: error,
            });
      optionsRef.current.onError?.(typed);
    };
    const storage = current.storage === undefined ? defaultDraftStorage() : current.storage;
    const recorder = createDeflectionRecorder(getTierdesk, { onError: (error) => report(error) });
    const machine = widgetMachine.provide({
      actors: createWidgetActors(getTierdesk, () => {
        const opted = optionsRef.current.diagnostics;
        return opted === undefined ? undefined : collectDiagnostics(opted);
      }),
      actions: {
        recordDeflection: (_, step) => recorder.record(step),
        announce: (_, announcement) => optionsRef.current.onAnnounce?.(announcement),
        persistDraft: (_, drafts) => {
          const error = writeWidgetDrafts(storage, identity, drafts);
          if (error !== undefined) report(error);
        },
        clearPersistedDrafts: () => {
          const error = clearWidgetDrafts(storage, identity);
          if (error !== undefined) report(error);
        },
        focusPanel: (_, { view }) => optionsRef.current.onFocusPanel?.(view),
      },
    });
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    store.start(
      createActor(machine, {
        input: {
          sessionId: (current.createSessionId ?? randomSessionId)(),
          online,
          drafts: readWidgetDrafts(storage, identity),
          ...(current.locale === undefined ? {} : { locale: current.locale }),
          ...(current.debounceMs === undefined ? {} : { debounceMs: current.debounceMs }),
        },
      }),
    );
    const { user } = current;
    if (user !== undefined) store.send({ type: 'SESSION.IDENTIFY', user });
    const onOnline = () => {
      store.send({ type: 'NETWORK.ONLINE' });
      void recorder.flush();
    };
    const onOffline = () => store.send({ type: 'NETWORK.OFFLINE' });
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      void recorder.flush();
      store.stop();
    };
  }, [identity, store]);

  // The user's fields, not the object: an inline `user={{ id }}` must not re-identify on every render.
  const userKey = options.user === undefined ? '' : JSON.stringify(options.user);
  useEffect(() => {
    if (userKey !== '') store.send({ type: 'SESSION.IDENTIFY', user: JSON.parse(userKey) as WidgetIdentity });
  }, [store, userKey]);

  // A send that failed on a transient error is retried with backoff while online (same key).
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const check = () => {
      const resend = optionsRef.current.resend;
      const snapshot = store.getSnapshot();
      const { error, outbox, online } = snapshot.context;
      if (outbox.length === 0) attempt = 0;
      const waiting =
        resend !== false &&
        online &&
        outbox.length > 0 &&
        error?.operation === 'sendMessage' &&
        TRANSIENT_SEND_ERRORS.has(error.code) &&
        snapshot.matches({ open: { online: { conversation: 'ready' } } });
      if (!waiting) {
        clearTimeout(timer);
        timer = undefined;
        return;
      }
      if (timer !== undefined) return;
      const initial = resend?.initialDelayMs ?? 1_000;
      const max = resend?.maxDelayMs ?? 30_000;
      const delay = Math.min(max, initial * 2 ** attempt) * (0.5 + Math.random() * 0.5);
      attempt = Math.min(attempt + 1, 30);
      timer = setTimeout(() => {
        timer = undefined;
        store.send({ type: 'WIDGET.RETRY' });
      }, delay);
    };
    const unsubscribe = store.subscribe(check);
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store]);

  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  useTicketStreamOn(tierdesk, {
    ...options.stream,
    scope: 'user',
    enabled: options.live !== false && snapshot.matches('open'),
    onEvent: (event) => {
      const widgetEvent = streamEventToWidget(event);
      if (widgetEvent !== undefined) store.send(widgetEvent);
    },
  });

  return useMemo(() => connectWidget(snapshot, store.send), [snapshot, store]);
}
