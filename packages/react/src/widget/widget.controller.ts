import type { WidgetApi, WidgetIdentity } from '@tierdesk/core/machines';

// The host's handle on a <SupportWidget/>: created anywhere (a module, a store, a component), passed
// as the widget's `controller` prop, and called from anywhere (a Help menu item, a "Contact us" link,
// the logout handler). Commands given before the panel has loaded open it and wait for it.

/** What a new message may be prefilled with. */
export interface WidgetMessagePrefill {
  /** The subject line. */
  subject?: string;
  /** The message text. */
  body?: string;
}

/** The host's control API of a `<SupportWidget/>` (see {@link createSupportWidgetController}). */
export interface SupportWidgetController {
  /** Whether the panel is open. */
  readonly isOpen: boolean;
  /** Opens the panel (loading it on first use) where the user left it. */
  open(): void;
  /** Closes the panel; the session (drafts, the open conversation) survives. */
  close(): void;
  /** Opens or closes the panel. */
  toggle(): void;
  /** Opens the panel on one of the user's tickets. */
  openTicket(ticketId: string): void;
  /** Opens the panel on a new message, prefilled (e.g. from a "Report a problem" button). */
  startMessage(prefill?: WidgetMessagePrefill): void;
  /** Tells the widget who the signed-in user is (name and email shown to agents). */
  identify(user: WidgetIdentity): void;
  /**
   * Forgets the user, for logout: closes the panel, drops queued commands and reported errors, ends
   * the session and wipes its stored drafts and offline outbox, so the next person at this computer
   * sees nothing of them. Also clear the provider's cache (`useTierdeskReset`) when you use one.
   */
  reset(): void;
  /** Reports an error of the host app, kept (the last 20) for the opt-in diagnostics of new tickets. */
  reportError(error: unknown): void;
  /** Calls `listener` when the panel opens or closes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** What the launcher and the panel hook into; not part of the public API. */
interface ControllerInternals {
  loaded: boolean;
  api: (() => WidgetApi) | null;
  queue: ((api: WidgetApi) => void)[];
  errors: string[];
  wipeStored: (() => void) | null;
}

const internals = new WeakMap<SupportWidgetController, ControllerInternals>();

const MAX_ERRORS = 20;
const MAX_ERROR_LENGTH = 2000;

/**
 * Creates a control handle for a `<SupportWidget controller={…}/>`.
 *
 * @example
 * ```tsx
 * const support = createSupportWidgetController();
 * <SupportWidget baseUrl="/support" getToken={getToken} identity={user.id} controller={support} />
 * support.startMessage({ subject: 'Billing question' });
 * async function logout() { support.reset(); await auth.signOut(); }
 * ```
 */
export function createSupportWidgetController(): SupportWidgetController {
  let open = false;
  const listeners = new Set<() => void>();
  const inner: ControllerInternals = { loaded: false, api: null, queue: [], errors: [], wipeStored: null };
  const setOpen = (next: boolean) => {
    if (next) inner.loaded = true;
    if (open === next) return;
    open = next;
    for (const listener of [...listeners]) listener();
  };
  const run = (command: (api: WidgetApi) => void) => {
    const api = inner.api?.();
    if (api) command(api);
    else inner.queue.push(command);
  };
  const controller: SupportWidgetController = {
    get isOpen() {
      return open;
    },
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!open),
    openTicket(ticketId) {
      setOpen(true);
      run((api) => api.openTicket(ticketId));
    },
    startMessage(prefill = {}) {
      setOpen(true);
      run((api) => api.newTicket(prefill));
    },
    identify(user) {
      run((api) => api.identify(user));
    },
    reset() {
      setOpen(false);
      inner.queue = [];
      inner.errors = [];
      const api = inner.api?.();
      // A loaded widget ends its session (which wipes what it stored); an unloaded one may still have
      // drafts stored by an earlier visit, wiped directly.
      if (api) api.reset();
      else inner.wipeStored?.();
    },
    reportError(error) {
      const text =
        error instanceof Error
          ? `${error.name}: ${error.message}`
          : typeof error === 'string'
            ? error
            : String(error);
      inner.errors = [...inner.errors, text.slice(0, MAX_ERROR_LENGTH)].slice(-MAX_ERRORS);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  internals.set(controller, inner);
  return controller;
}

function inner(controller: SupportWidgetController): ControllerInternals {
  const found = internals.get(controller);
  if (found === undefined) throw new TypeError('Pass a controller made by createSupportWidgetController()');
  return found;
}

/** Whether the panel was ever asked for (the launcher then renders it). */
export function isPanelRequested(controller: SupportWidgetController): boolean {
  return inner(controller).loaded;
}

/** The panel hands its live API over; queued commands run now. Returns the detach function. */
export function attachWidgetApi(controller: SupportWidgetController, api: () => WidgetApi): () => void {
  const state = inner(controller);
  state.api = api;
  const queued = state.queue;
  state.queue = [];
  for (const command of queued) command(api());
  return () => {
    if (state.api === api) state.api = null;
  };
}

/** The launcher tells how to wipe stored drafts while the panel is not loaded. */
export function setStoredWipe(controller: SupportWidgetController, wipe: (() => void) | null): void {
  inner(controller).wipeStored = wipe;
}

/** The host's reported errors, oldest first. */
export function reportedErrors(controller: SupportWidgetController): readonly string[] {
  return inner(controller).errors;
}
