import type { QueryClient } from '@tanstack/react-query';
import { type ClientOptions, createLeanClient, type TierdeskClient } from '@tierdesk/core/lean';
import { useContext, useMemo, useRef } from 'react';
import { TierdeskProviderError } from '../provider/errors';
import { TierdeskContext } from '../provider/tierdesk-context';

/**
 * What the widget talks through: the provider's client, identity and cache, or — for a drop-in
 * widget with its own `baseUrl` — a lean client of its own and no cache (`queryClient: null`), so a
 * page that only shows the widget loads no query library.
 */
export interface WidgetConnection {
  readonly client: TierdeskClient;
  readonly identity: string;
  /** The cache shared with the host's hooks; `null` for a drop-in widget outside a provider. */
  readonly queryClient: QueryClient | null;
  readonly getToken?: (() => string | null | undefined | Promise<string | null | undefined>) | undefined;
}

/**
 * Where a widget outside `<TierdeskProvider>` finds the API. Inside a provider leave these out: the
 * widget then shares the provider's client and cache with the host's hooks.
 */
export interface WidgetConnectionOptions {
  /** Where the API is mounted, without `/v1` (e.g. `/support`). Makes the widget stand alone. */
  baseUrl?: string;
  /** Returns the end user's identity token signed by the host's backend (latest function wins). */
  getToken?: ClientOptions['getToken'];
  /**
   * Who is signed in (the user's id, or `'anonymous'`): drafts and the session are kept per identity,
   * and a new one starts a fresh session. Required with `baseUrl`.
   */
  identity?: string;
  /** Further client options (retry, timeout, fetch, headers), read when `baseUrl` changes. */
  clientOptions?: Omit<ClientOptions, 'baseUrl' | 'getToken'>;
}

/** The widget's connection: its own when given `baseUrl`, the provider's otherwise. */
export function useWidgetConnection(options: WidgetConnectionOptions): WidgetConnection {
  const provided = useContext(TierdeskContext);
  const { baseUrl, identity } = options;
  const getTokenRef = useRef(options.getToken);
  getTokenRef.current = options.getToken;
  const clientOptionsRef = useRef(options.clientOptions);
  clientOptionsRef.current = options.clientOptions;
  const own = useMemo(() => {
    if (baseUrl === undefined) return undefined;
    const getToken = () => getTokenRef.current?.();
    return { client: createLeanClient({ ...clientOptionsRef.current, baseUrl, getToken }), getToken };
  }, [baseUrl]);
  return useMemo(() => {
    if (own !== undefined) {
      if (identity === undefined || identity === '') {
        throw new TierdeskProviderError(
          'invalid_usage',
          'A <SupportWidget baseUrl=…> needs `identity` (the signed-in user id, or "anonymous").',
        );
      }
      return { client: own.client, identity, queryClient: null, getToken: own.getToken };
    }
    if (provided === null) {
      throw new TierdeskProviderError(
        'provider_missing',
        'The widget needs a `baseUrl` (and `identity`), or a <TierdeskProvider> above it.',
      );
    }
    return provided;
  }, [own, identity, provided]);
}
