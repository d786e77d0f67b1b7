import { createClient, type SupportStatus, SupportStatusSchema } from '@tierdesk/core';
import { afterEach, expect, it } from 'vitest';
import { signIdentityToken } from '../src/auth';
import type { Clock } from '../src/clock';
import type { WorkspaceConfig } from '../src/tierdesk';
import { describeStores } from './support/databases';
import { SECRET_ACME, startTestServer, type TestServer } from './support/server';

// GET /v1/support/status on the server's clock: the widget's out-of-hours notice and promise. The
// clock is set by hand, so "now" is a Tuesday night in Berlin whatever the machine's time is; tokens
// are signed on the same clock, or the server would find them issued in the future.

const HOUR = 3_600_000;

/** Berlin office hours Mon–Fri 09:00–17:00, closed on Christmas Eve and Christmas Day. */
const BERLIN = {
  id: 'berlin-office',
  timeZone: 'Europe/Berlin',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: ['2026-12-24', '2026-12-25'],
};

/** The standard promise: a first response within 4 business hours, on Berlin hours. */
const STANDARD = {
  id: 'sla-office-hours',
  name: 'Office hours',
  position: 10,
  calendarId: BERLIN.id,
  targets: { first_response: { minutes: 240 }, resolution: { minutes: 3 * 8 * 60 } },
};

/** Enterprise customers: 30 minutes, around the clock (no calendar). */
const ENTERPRISE = {
  id: 'sla-enterprise',
  name: 'Enterprise 24/7',
  position: 0,
  conditions: { requesterPlans: ['enterprise'] },
  targets: { first_response: { minutes: 30 } },
};

/** A clock the test moves by hand. */
function manualClock(startMs: number): Clock & { set(ms: number): void } {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    realDelayUntil: (at) => Math.max(0, at - nowMs),
    set(ms) {
      nowMs = ms;
    },
  };
}

function workspace(policies: WorkspaceConfig['policies']): WorkspaceConfig {
  return { id: 'acme', name: 'Acme', identitySecret: SECRET_ACME, policies };
}

describeStores('support status (GET /v1/support/status)', ({ db }) => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const clock = manualClock(Date.parse('2026-11-24T21:00:00Z'));

  async function start(policies: WorkspaceConfig['policies']): Promise<TestServer> {
    server = await startTestServer(db(), { workspaces: [workspace(policies)], clock, assistant: false });
    return server;
  }

  /** An identity token signed now on the server's clock. */
  function tokenFor(userId: string, plan?: string): Promise<string> {
    return signIdentityToken(
      { userId, workspaceId: 'acme', ...(plan === undefined ? {} : { plan }) },
      SECRET_ACME,
      { expiresInSeconds: 3600, clock },
    );
  }

  /** A client for an identified end user (its token is signed at the clock's current time). */
  function userClient(s: TestServer, userId: string, plan?: string) {
    const token = tokenFor(userId, plan);
    return createClient({ baseUrl: s.baseUrl, getToken: () => token });
  }

  /** The raw answer, so headers and the exact body are what the server sent. */
  async function rawStatus(s: TestServer, token: string): Promise<{ response: Response; body: unknown }> {
    const response = await fetch(`${s.baseUrl}/v1/support/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { response, body: await response.json() };
  }

  it('is open inside office hours, closing at 17:00 Berlin time, with the 4-hour promise', async () => {
    const s = await start({ slaPolicies: [STANDARD, ENTERPRISE], calendars: [BERLIN] });
    clock.set(Date.parse('2026-11-24T09:30:00Z')); // Tuesday 10:30 in Berlin (CET, UTC+1)
    const { response, body } = await rawStatus(s, await tokenFor('u-ada'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, max-age=60');
    expect(body).toEqual({
      open: true,
      timeZone: 'Europe/Berlin',
      opensAt: null,
      closesAt: '2026-11-24T16:00:00.000Z',
      firstResponseTargetMs: 4 * HOUR,
    });
    expect(SupportStatusSchema.safeParse(body).success).toBe(true);
  });

  it('is closed on a weekday night and opens the next morning in the calendar zone; a ticket then is due 4 business hours after', async () => {
    const s = await start({ slaPolicies: [STANDARD, ENTERPRISE], calendars: [BERLIN] });
    clock.set(Date.parse('2026-11-24T21:00:00Z')); // Tuesday 22:00 in Berlin
    const ada = userClient(s, 'u-ada');
    const status = await ada.supportStatus();
    expect(status).toEqual({
      open: false,
      timeZone: 'Europe/Berlin',
      opensAt: '2026-11-25T08:00:00.000Z', // Wednesday 09:00 Berlin
      closesAt: null,
      firstResponseTargetMs: 4 * HOUR,
    } satisfies SupportStatus);

    // The promise is the one the ticket really gets: the same policy, due at opening + target.
    const ticket = await ada.createTicket({ body: { subject: 'Sync stopped', body: 'Since tonight' } });
    const firstResponse = ticket.sla.find((c) => c.kind === 'sla' && c.metric === 'first_response');
    expect(firstResponse?.policyId).toBe(STANDARD.id);
    expect(firstResponse?.targetMs).toBe(status.firstResponseTargetMs);
    expect(Date.parse(firstResponse?.dueAt ?? '')).toBe(
      Date.parse(status.opensAt ?? '') + (status.firstResponseTargetMs ?? 0),
    );
  });

  it('is closed over the weekend until Monday 09:00, and across the DST change to summer time', async () => {
    const s = await start({ slaPolicies: [STANDARD], calendars: [BERLIN] });
    clock.set(Date.parse('2026-11-28T11:00:00Z')); // Saturday noon in Berlin
    expect(await userClient(s, 'u-ada').supportStatus()).toMatchObject({
      open: false,
      opensAt: '2026-11-30T08:00:00.000Z', // Monday 09:00 CET
      closesAt: null,
    });
    clock.set(Date.parse('2027-03-26T17:30:00Z')); // Friday 18:30 CET; clocks go forward on Sunday
    expect(await userClient(s, 'u-ada').supportStatus()).toMatchObject({
      open: false,
      opensAt: '2027-03-29T07:00:00.000Z', // Monday 09:00 CEST (UTC+2)
    });
  });

  it('is closed on a holiday and opens on the next working day after the holidays', async () => {
    const s = await start({ slaPolicies: [STANDARD], calendars: [BERLIN] });
    // Thursday 11:00 a week before Christmas is open: the holiday, not the hour, closes the next one.
    clock.set(Date.parse('2026-12-17T10:00:00Z'));
    expect(await userClient(s, 'u-ada').supportStatus()).toMatchObject({
      open: true,
      closesAt: '2026-12-17T16:00:00.000Z',
    });
    clock.set(Date.parse('2026-12-24T10:00:00Z')); // Thursday 11:00, Christmas Eve (a holiday)
    expect(await userClient(s, 'u-ada').supportStatus()).toMatchObject({
      open: false,
      // Friday the 25th is a holiday too, then the weekend: Monday the 28th, 09:00 Berlin.
      opensAt: '2026-12-28T08:00:00.000Z',
      closesAt: null,
    });
  });

  it("follows the caller's plan from the identity token: enterprise is 24/7 with its own target", async () => {
    const s = await start({ slaPolicies: [STANDARD, ENTERPRISE], calendars: [BERLIN] });
    clock.set(Date.parse('2026-11-28T11:00:00Z')); // Saturday: the office is closed
    expect(await userClient(s, 'u-boss', 'enterprise').supportStatus()).toEqual({
      open: true,
      timeZone: null,
      opensAt: null,
      closesAt: null,
      firstResponseTargetMs: 30 * 60_000,
    } satisfies SupportStatus);
    // Another plan falls through to the office-hours policy.
    expect(await userClient(s, 'u-free', 'free').supportStatus()).toMatchObject({
      open: false,
      firstResponseTargetMs: 4 * HOUR,
    });
  });

  it('answers anonymous visitors with the policy a visitor ticket gets (no plan)', async () => {
    const s = await start({ slaPolicies: [STANDARD, ENTERPRISE], calendars: [BERLIN] });
    clock.set(Date.parse('2026-11-24T21:00:00Z'));
    const issued = await fetch(`${s.baseUrl}/v1/visitors?workspace=acme`, { method: 'POST' });
    expect(issued.status).toBe(201);
    const { token } = (await issued.json()) as { token: string };
    const { response, body } = await rawStatus(s, token);
    expect(response.status).toBe(200);
    expect(body).toEqual({
      open: false,
      timeZone: 'Europe/Berlin',
      opensAt: '2026-11-25T08:00:00.000Z',
      closesAt: null,
      firstResponseTargetMs: 4 * HOUR,
    });
  });

  it('is open around the clock under a policy without a calendar, with that policy’s target', async () => {
    const s = await start({
      slaPolicies: [{ id: 'sla-247', name: '24/7', targets: { first_response: { minutes: 90 } } }],
    });
    clock.set(Date.parse('2026-11-29T03:00:00Z')); // Sunday 04:00 in Berlin
    expect(await userClient(s, 'u-ada').supportStatus()).toEqual({
      open: true,
      timeZone: null,
      opensAt: null,
      closesAt: null,
      firstResponseTargetMs: 90 * 60_000,
    } satisfies SupportStatus);
  });

  it('is open with no promise when no policy matches, and the target is null when the policy sets none', async () => {
    const s = await start({
      slaPolicies: [
        // Email tickets and urgent tickets only: a new widget ticket is neither.
        {
          id: 'sla-email',
          name: 'Email',
          conditions: { channels: ['email'] },
          targets: { first_response: { minutes: 5 } },
        },
        {
          id: 'sla-urgent',
          name: 'Urgent',
          conditions: { priorities: ['urgent'] },
          targets: { first_response: { minutes: 5 } },
        },
      ],
      calendars: [BERLIN],
    });
    clock.set(Date.parse('2026-11-24T21:00:00Z'));
    const ada = userClient(s, 'u-ada');
    expect(await ada.supportStatus()).toEqual({
      open: true,
      timeZone: null,
      opensAt: null,
      closesAt: null,
      firstResponseTargetMs: null,
    } satisfies SupportStatus);

    // A matching policy that targets resolution only: its hours count, but nothing is promised first.
    const lee = await s.agentClient('agent-l1');
    await lee.createSlaPolicy({
      body: {
        id: 'sla-resolution',
        name: 'Resolution only',
        calendarId: BERLIN.id,
        targets: { resolution: { minutes: 600 } },
      },
    });
    expect(await ada.supportStatus()).toEqual({
      open: false,
      timeZone: 'Europe/Berlin',
      opensAt: '2026-11-25T08:00:00.000Z',
      closesAt: null,
      firstResponseTargetMs: null,
    } satisfies SupportStatus);
  });

  it('is for end users: agents get 403, no token 401', async () => {
    const s = await start({ slaPolicies: [STANDARD], calendars: [BERLIN] });
    const key = await s.apiKeyFor('agent-l1');
    const asAgent = await fetch(`${s.baseUrl}/v1/support/status`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(asAgent.status).toBe(403);
    expect((await fetch(`${s.baseUrl}/v1/support/status`)).status).toBe(401);
  });
});
