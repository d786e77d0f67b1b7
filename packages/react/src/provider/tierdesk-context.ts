import type { QueryClient } from '@tanstack/react-query';
import type { TierdeskClient } from '@tierdesk/core';
import { createContext } from 'react';

/** What `<TierdeskProvider>` gives the hooks below it. */
export interface TierdeskContextValue {
  /** The typed API client every hook calls. */
  readonly client: TierdeskClient;
  /** Who is signed in; the second element of every Tierdesk query key. */
  readonly identity: string;
  /** The QueryClient holding Tierdesk's cache (the host's, or the provider's own). */
  readonly queryClient: QueryClient;
  /**
   * The provider's credential function (`getToken`), for what the client cannot carry: the event
   * streams (`useTicketStream`). `undefined` when the provider was given a ready `client`.
   */
  readonly getToken?: (() => string | null | undefined | Promise<string | null | undefined>) | undefined;
}

/** The context behind `useTierdeskContext`; `null` outside a provider. */
export const TierdeskContext = createContext<TierdeskContextValue | null>(null);
TierdeskContext.displayName = 'TierdeskContext';
