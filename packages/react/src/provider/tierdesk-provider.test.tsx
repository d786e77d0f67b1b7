// @vitest-environment jsdom
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryClient, QueryClientProvider, useMutation, useQueryClient } from '@tanstack/react-query';
import { act, cleanup, render, renderHook, waitFor } from '@testing-library/react';
import { createClient } from '@tierdesk/core';
import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { providerWrapper } from '../hooks/hooks.test-support';
import { useAgents } from '../hooks/use-agents';
import { tierdeskKeys, tierdeskMutationKey } from '../query-keys';
import { TierdeskProviderError } from './errors';
import { TierdeskProvider, type TierdeskProviderProps } from './tierdesk-provider';
import { useTierdeskClient } from './use-tierdesk-client';
import { useTierdeskContext } from './use-tierdesk-context';
import { resetTierdeskCache, useTierdeskReset } from './use-tierdesk-reset';

// A small scripted server on a real socket: it records the credentials it receives and answers the
// agents route, which is all these provider tests call.
let server: Server;
let baseUrl = '';
let seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  cleanup();
  seen = [];
  vi.restoreAllMocks();
});

function renderError(hook: () => unknown, wrapper?: (p: { children: ReactNode }) => ReactNode): unknown {
  // React reports render errors on the console; the test asserts on the error itself.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    renderHook(hook, wrapper ? { wrapper } : {});
  } catch (error) {
    return error;
  }
  throw new Error('expected the render to throw');
}

describe('TierdeskProvider', () => {
  it('throws a typed error when a hook is used outside it', () => {
    const error = renderError(() => useTierdeskClient());
    expect(error).toBeInstanceOf(TierdeskProviderError);
    expect(error).toMatchObject({ code: 'provider_missing' });
    expect(renderError(() => useAgents())).toMatchObject({ code: 'provider_missing' });
  });

  it('rejects a provider without a client or base URL, or without an identity', () => {
    const missing = { identity: 'u' } as unknown as TierdeskProviderProps;
    expect(renderError(() => useTierdeskClient(), providerWrapper(missing))).toMatchObject({
      name: 'TierdeskProviderError',
      code: 'invalid_usage',
    });
    expect(renderError(() => useTierdeskClient(), providerWrapper({ baseUrl, identity: '' }))).toMatchObject({
      code: 'invalid_usage',
    });
  });

  it('hands out the given client', () => {
    const client = createClient({ baseUrl });
    const { result } = renderHook(() => useTierdeskClient(), {
      wrapper: providerWrapper({ client, identity: 'u' }),
    });
    expect(result.current).toBe(client);
  });

  it('builds its client once and always calls the newest getToken', async () => {
    let token = 'first';
    const { result, rerender } = renderHook(() => useTierdeskClient(), {
      wrapper: ({ children }) => (
        // A new arrow on every render, as hosts usually write it.
        <TierdeskProvider baseUrl={baseUrl} getToken={() => token} identity="agent">
          {children}
        </TierdeskProvider>
      ),
    });
    const client = result.current;
    await client.listAgents();
    token = 'second';
    rerender();
    expect(result.current).toBe(client);
    await client.listAgents();
    expect(seen.map((h) => h.authorization)).toEqual(['Bearer first', 'Bearer second']);
  });

  it('creates its own QueryClient once, one per provider, and leaves the host QueryClientProvider alone', () => {
    const host = new QueryClient();
    const { result, rerender } = renderHook(
      () => ({ tierdesk: useTierdeskContext().queryClient, ambient: useQueryClient() }),
      {
        wrapper: ({ children }) => (
          <QueryClientProvider client={host}>
            <TierdeskProvider baseUrl={baseUrl} identity="u">
              {children}
            </TierdeskProvider>
          </QueryClientProvider>
        ),
      },
    );
    const own = result.current.tierdesk;
    expect(own).toBeInstanceOf(QueryClient);
    expect(own).not.toBe(host);
    expect(result.current.ambient).toBe(host);
    rerender();
    expect(result.current.tierdesk).toBe(own);

    const { result: other } = renderHook(() => useTierdeskContext().queryClient, {
      wrapper: providerWrapper({ baseUrl, identity: 'u' }),
    });
    expect(other.current).not.toBe(own);
  });

  it('uses the host QueryClient when given one: hook data lands in the host cache', async () => {
    const host = new QueryClient();
    const { result } = renderHook(() => useAgents(), {
      wrapper: providerWrapper({ baseUrl, identity: 'agent', queryClient: host }),
    });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(host.getQueryData(tierdeskKeys.agents('agent'))).toEqual([]);
  });

  it('keeps rendering when the identity changes, under the new identity’s keys', async () => {
    const host = new QueryClient();
    let identity = 'agent-a';
    const { result, rerender } = renderHook(() => useAgents(), {
      wrapper: ({ children }) => (
        <TierdeskProvider baseUrl={baseUrl} identity={identity} queryClient={host}>
          {children}
        </TierdeskProvider>
      ),
    });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    identity = 'agent-b';
    rerender();
    await waitFor(() => expect(host.getQueryData(tierdeskKeys.agents('agent-b'))).toEqual([]));
    expect(seen).toHaveLength(2);
  });
});

describe('useTierdeskReset', () => {
  it('removes every Tierdesk query and mutation, of every identity, and nothing of the host', async () => {
    const host = new QueryClient();
    host.setQueryData(tierdeskKeys.tickets.mine('u-ada'), { pages: [], pageParams: [] });
    host.setQueryData(tierdeskKeys.agents('agent-l1'), []);
    host.setQueryData(['host', 'profile'], { name: 'Ada' });
    const { result } = renderHook(
      () => ({
        reset: useTierdeskReset(),
        tierdeskMutation: useMutation(
          { mutationKey: tierdeskMutationKey('u-ada', 'createTicket'), mutationFn: async () => 1 },
          host,
        ),
        hostMutation: useMutation({ mutationKey: ['host', 'save'], mutationFn: async () => 2 }, host),
      }),
      { wrapper: providerWrapper({ baseUrl, identity: 'u-ada', queryClient: host }) },
    );
    await act(() => result.current.tierdeskMutation.mutateAsync());
    await act(() => result.current.hostMutation.mutateAsync());
    expect(host.getMutationCache().getAll()).toHaveLength(2);

    const first = result.current.reset;
    await act(() => result.current.reset());
    expect(host.getQueryCache().findAll({ queryKey: tierdeskKeys.all })).toEqual([]);
    expect(host.getQueryData(['host', 'profile'])).toEqual({ name: 'Ada' });
    expect(
      host
        .getMutationCache()
        .getAll()
        .map((m) => m.options.mutationKey),
    ).toEqual([['host', 'save']]);
    expect(result.current.reset).toBe(first);
  });

  it('cancels Tierdesk queries still in flight', async () => {
    const queryClient = new QueryClient();
    let aborted = false;
    const pending = queryClient.fetchQuery({
      queryKey: tierdeskKeys.agents('x'),
      queryFn: ({ signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    });
    await resetTierdeskCache(queryClient);
    await expect(pending).rejects.toBeDefined();
    expect(aborted).toBe(true);
    expect(queryClient.getQueryCache().getAll()).toEqual([]);
  });

  it('renders children', () => {
    const { getByText } = render(
      <TierdeskProvider baseUrl={baseUrl} identity="u">
        <p>inside</p>
      </TierdeskProvider>,
    );
    expect(getByText('inside')).toBeTruthy();
  });
});
