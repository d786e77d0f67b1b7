import { QueryClient } from '@tanstack/react-query';
import { type ClientOptions, createLeanClient, type TierdeskClient } from '@tierdesk/core/lean';
import { type ReactNode, useEffect, useMemo, useRef } from 'react';
import { TierdeskProviderError } from './errors';
import { TierdeskContext, type TierdeskContextValue } from './tierdesk-context';

/** Props every form of the provider takes. */
export interface TierdeskProviderBaseProps {
  /** The part of the app that uses Tierdesk. */
  children?: ReactNode;
  /**
   * Who is signed in: the end user's id, the agent's id, or e.g. `'anonymous'`. It scopes every
   * cache key, so when it changes no hook ever shows the previous person's data. Required because
   * the credential itself is opaque to the browser.
   */
  identity: string;
  /**
   * The host's QueryClient, to share one cache (and devtools) with the app. Without it the provider
   * creates its own, once per mounted provider, so a server rendering many requests never shares a
   * cache between them. Tierdesk's hooks address this client directly: a host `QueryClientProvider`
   * around or inside the provider is left alone.
   */
  queryClient?: QueryClient;
}

/**
 * The provider given a ready client: `createClient` from `@tierdesk/core` (validates inputs and
 * answers in the browser too) or `createLeanClient` (the same API, validation left to the server).
 */
export interface TierdeskProviderClientProps extends TierdeskProviderBaseProps {
  /** The typed API client the hooks call. */
  client: TierdeskClient;
  baseUrl?: never;
  getToken?: never;
  clientOptions?: never;
}

/**
 * The provider given where the API is and how to authenticate; it makes the client itself with
 * `createLeanClient` (validation left to the server, no schemas bundled). Pass `client` instead to
 * validate in the browser as well.
 */
export interface TierdeskProviderUrlProps extends TierdeskProviderBaseProps {
  client?: never;
  /** Where the API is mounted, without `/v1` (e.g. `https://help.example.com` or `/support`). */
  baseUrl: string;
  /**
   * Returns the end user's identity token (signed by the host's backend) or an agent API key, sent
   * as a bearer credential. The latest function passed is always the one called.
   */
  getToken?: ClientOptions['getToken'];
  /** Further client options (retry, timeout, fetch, headers), read when `baseUrl` changes. */
  clientOptions?: Omit<ClientOptions, 'baseUrl' | 'getToken'>;
}

/** Props of {@link TierdeskProvider}: a ready `client`, or `baseUrl` (+ `getToken`). */
export type TierdeskProviderProps = TierdeskProviderClientProps | TierdeskProviderUrlProps;

/** The defaults of a QueryClient the provider creates for itself. */
export function createTierdeskQueryClient(): QueryClient {
  // Data stays fresh for 30 s so a widget opened, closed and reopened does not refetch everything.
  return new QueryClient({ defaultOptions: { queries: { staleTime: 30_000 } } });
}

/**
 * Makes Tierdesk's client, identity and cache available to the hooks and components below it.
 *
 * ```tsx
 * <TierdeskProvider baseUrl="/support" getToken={getIdentityToken} identity={user.id}>
 *   <App />
 * </TierdeskProvider>
 * ```
 *
 * @throws {TierdeskProviderError} `invalid_usage` without a client or base URL, or with an empty identity.
 */
export function TierdeskProvider(props: TierdeskProviderProps): ReactNode {
  const { children, identity, queryClient: hostQueryClient } = props;
  if (typeof identity !== 'string' || identity === '') {
    throw new TierdeskProviderError('invalid_usage', '<TierdeskProvider> needs a non-empty `identity`.');
  }
  const givenClient = props.client;
  const baseUrl = props.baseUrl;
  if (givenClient === undefined && (typeof baseUrl !== 'string' || baseUrl === '')) {
    throw new TierdeskProviderError(
      'invalid_usage',
      '<TierdeskProvider> needs either `client` or `baseUrl`.',
    );
  }

  // The token function is read through a ref so an inline arrow does not rebuild the client (and so
  // drop nothing in flight) on every render; each call still uses the newest one.
  const getTokenRef = useRef(props.getToken);
  getTokenRef.current = props.getToken;
  const clientOptionsRef = useRef(props.clientOptions);
  clientOptionsRef.current = props.clientOptions;

  const client = useMemo(
    () =>
      givenClient ??
      // The lean client: the server validates every input and answers with typed errors, so the
      // browser need not download every schema of the contract (~20 KB min+gzip) to use the widget.
      createLeanClient({
        ...clientOptionsRef.current,
        baseUrl: baseUrl as string,
        getToken: () => getTokenRef.current?.(),
      }),
    [givenClient, baseUrl],
  );

  // Created lazily during the first render that needs it and kept for the provider's life: never at
  // module scope, which on a server would be shared by every request.
  const ownQueryClient = useRef<QueryClient | null>(null);
  let queryClient = hostQueryClient;
  if (queryClient === undefined) {
    ownQueryClient.current ??= createTierdeskQueryClient();
    queryClient = ownQueryClient.current;
  }

  // Mounting subscribes the client to focus and online events (window listeners), so it happens in
  // an effect, never during a server render. Mounts are counted: a host client mounted by its own
  // QueryClientProvider as well is fine.
  useEffect(() => {
    queryClient.mount();
    return () => queryClient.unmount();
  }, [queryClient]);

  // Stable for the provider's life (the newest `getToken` is read through the ref), so a stream does
  // not reconnect on every render; absent when a ready client was given (its credential is opaque).
  const hasTokenSource = givenClient === undefined;
  const getToken = useMemo(
    () => (hasTokenSource ? () => getTokenRef.current?.() : undefined),
    [hasTokenSource],
  );

  const value = useMemo<TierdeskContextValue>(
    () => ({ client, identity, queryClient, getToken }),
    [client, identity, queryClient, getToken],
  );
  return <TierdeskContext.Provider value={value}>{children}</TierdeskContext.Provider>;
}
