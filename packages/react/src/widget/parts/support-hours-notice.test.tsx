// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signIdentityToken } from '../../../../node/src/auth';
import type { Clock } from '../../../../node/src/clock';
import { startTestServer, type TestServer } from '../../../../node/tests/support/server';
import { openServer } from '../../hooks/hooks.test-support';
import { createTranslator } from '../../i18n/create-translator';
import { SupportWidget } from '../support-widget';

// The out-of-hours notice and the promise of a new ticket, read by the drop-in widget from a real
// server whose clock the test sets: Saturday noon in Berlin (closed until Monday 09:00), then Tuesday
// morning (open, a first response within 4 business hours).

const SECRET = 'hours-identity-secret-0123456789-abcdefghijklmnop';
const HOUR = 3_600_000;

let nowMs = Date.parse('2026-11-28T11:00:00Z');
const clock: Clock = { now: () => nowMs, realDelayUntil: (at) => Math.max(0, at - nowMs) };

let server: TestServer;
let close: () => Promise<void>;

beforeAll(async () => {
  const opened = await openServer();
  close = opened.close;
  server = await startTestServer(opened.db, {
    clock,
    assistant: false,
    workspaces: [
      {
        id: 'hours',
        name: 'Hours',
        identitySecret: SECRET,
        policies: {
          calendars: [
            {
              id: 'berlin',
              timeZone: 'Europe/Berlin',
              weekly: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
            },
          ],
          slaPolicies: [
            {
              id: 'office',
              name: 'Office',
              calendarId: 'berlin',
              targets: { first_response: { minutes: 240 } },
            },
          ],
        },
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await close?.();
});
afterEach(cleanup);

function renderWidget(userId: string) {
  return render(
    <SupportWidget
      baseUrl={server.baseUrl}
      getToken={() =>
        signIdentityToken({ userId, workspaceId: 'hours' }, SECRET, { expiresInSeconds: 3600, clock })
      }
      identity={userId}
    />,
  );
}

describe('out-of-hours notice', () => {
  it('says when support is back, in the calendar’s zone, on the home screen and the ticket form', async () => {
    nowMs = Date.parse('2026-11-28T11:00:00Z'); // Saturday 12:00 in Berlin
    const user = userEvent.setup();
    renderWidget('u-weekend');
    await user.click(screen.getByRole('button', { name: 'Open help' }));
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    const opening = createTranslator('en').formatNextOpening(
      Date.parse('2026-11-30T08:00:00Z'),
      'Europe/Berlin',
    );
    const notice = await within(dialog).findByText(`We’re away right now. We’ll be back ${opening}.`);
    expect(notice.getAttribute('role')).toBe('status');
    expect(opening).toMatch(/9:00/); // Monday 09:00 Berlin time, whatever this machine's zone
    await user.click(within(dialog).getByRole('button', { name: 'Contact support' }));
    await within(dialog).findByRole('textbox', { name: 'Subject' });
    expect(within(dialog).getByText(`We’re away right now. We’ll be back ${opening}.`)).toBeTruthy();
  });

  it('shows no notice while open, and the first-response promise on the ticket form', async () => {
    nowMs = Date.parse('2026-11-24T09:30:00Z'); // Tuesday 10:30 in Berlin
    const user = userEvent.setup();
    renderWidget('u-weekday');
    await user.click(screen.getByRole('button', { name: 'Open help' }));
    const dialog = await screen.findByRole('dialog', { name: 'Help' }, { timeout: 10_000 });
    await user.click(await within(dialog).findByRole('button', { name: 'Contact support' }));
    const promise = `We usually reply within ${createTranslator('en').formatDuration(4 * HOUR)}.`;
    expect(await within(dialog).findByText(promise)).toBeTruthy();
    expect(within(dialog).queryByText(/away right now/)).toBeNull();
  });
});
