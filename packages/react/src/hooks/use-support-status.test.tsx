// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { type SupportStatus, TierdeskApiError } from '@tierdesk/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../node/tests/support/server';
import { tierdeskKeys } from '../query-keys';
import { openServer, providerWrapper, testQueryClient } from './hooks.test-support';
import { useSupportStatus } from './use-support-status';

// useSupportStatus against the real server (createTierdesk over PGlite, node:http on 127.0.0.1). The
// server runs on the wall clock here, so the closed case uses holidays around today: whatever the
// time of day, the calendar is closed now and opens on the day after tomorrow (UTC).

let server: TestServer;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ server, close } = await openServer());
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
});

const DAY = 86_400_000;
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('useSupportStatus over a real server', () => {
  it('reads the promise of the 24/7 test policy, keeps it fresh for a minute, and follows a calendar once refetched', async () => {
    const queryClient = testQueryClient();
    const wrapper = providerWrapper({
      baseUrl: server.baseUrl,
      getToken: () => server.tokenFor('u-ada'),
      identity: 'u-ada',
      queryClient,
    });
    const { result } = renderHook(() => useSupportStatus(), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    // The test workspace's policy has no calendar and a 60-minute first-response target.
    expect(result.current.data).toEqual({
      open: true,
      timeZone: null,
      opensAt: null,
      closesAt: null,
      firstResponseTargetMs: 60 * 60_000,
    } satisfies SupportStatus);
    expect(queryClient.getQueryData(tierdeskKeys.supportStatus('u-ada'))).toEqual(result.current.data);

    // Fresh for a minute: a second component mounting now takes the cached answer, no new request.
    const fetchedAt = result.current.dataUpdatedAt;
    const second = renderHook(() => useSupportStatus(), { wrapper });
    expect(second.result.current.data).toEqual(result.current.data);
    expect(second.result.current.isStale).toBe(false);
    expect(second.result.current.isFetching).toBe(false);
    expect(second.result.current.dataUpdatedAt).toBe(fetchedAt);

    // The team closes for today and tomorrow (and yesterday, so midnight passing mid-test changes nothing).
    const now = Date.now();
    const lee = await server.agentClient('agent-l1');
    await lee.createCalendar({
      body: {
        id: 'hook-test-calendar',
        timeZone: 'UTC',
        weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, start: '00:00', end: '24:00' })),
        holidays: [utcDate(now - DAY), utcDate(now), utcDate(now + DAY)],
      },
    });
    const [policy] = (await lee.listSlaPolicies()).items;
    if (policy === undefined) throw new Error('the test workspace has an SLA policy');
    await lee.replaceSlaPolicy({
      params: { id: policy.id },
      body: { ...policy, calendarId: 'hook-test-calendar' },
    });
    await act(() => result.current.refetch());
    // TanStack notifies observers on its own tick after the fetch settles.
    await waitFor(() =>
      expect(result.current.data).toEqual({
        open: false,
        timeZone: 'UTC',
        opensAt: `${utcDate(now + 2 * DAY)}T00:00:00.000Z`,
        closesAt: null,
        firstResponseTargetMs: 60 * 60_000,
      } satisfies SupportStatus),
    );
  });

  it('works for an anonymous visitor, and an agent credential is refused with a typed error', async () => {
    const issued = await fetch(`${server.baseUrl}/v1/visitors?workspace=acme`, { method: 'POST' });
    const { token, visitorId } = (await issued.json()) as { token: string; visitorId: string };
    const { result } = renderHook(() => useSupportStatus(), {
      wrapper: providerWrapper({
        baseUrl: server.baseUrl,
        getToken: () => token,
        identity: visitorId,
        queryClient: testQueryClient(),
      }),
    });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.firstResponseTargetMs).toBe(60 * 60_000);

    const key = await server.apiKeyFor('agent-l1');
    const asAgent = renderHook(() => useSupportStatus(), {
      wrapper: providerWrapper({
        baseUrl: server.baseUrl,
        getToken: () => key,
        identity: 'agent-l1',
        queryClient: testQueryClient(),
      }),
    });
    await waitFor(() => expect(asAgent.result.current.isError).toBe(true));
    expect(asAgent.result.current.error).toBeInstanceOf(TierdeskApiError);
    expect(asAgent.result.current.error).toMatchObject({ code: 'forbidden', status: 403 });
  });
});
