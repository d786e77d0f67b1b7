import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { SupportHoursNotice } from './support-hours-notice';

// <SupportHoursNotice/>: the widget's out-of-hours notice and, while open, the promise of a new
// ticket. It renders the server's support status; the opening time is read in the calendar's zone.

const HOUR = 3_600_000;
/** A Monday 09:00 UTC one to two weeks ahead, whatever day the story runs (UTC: no summer time). */
function aMondayAtNine(): string {
  const now = new Date();
  const days = ((8 - now.getUTCDay()) % 7) + 7;
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, 9),
  ).toISOString();
}

const meta = {
  title: 'Widget/Parts/SupportHoursNotice',
  component: SupportHoursNotice,
} satisfies Meta<typeof SupportHoursNotice>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Closed: when support is back, in the calendar's time zone. */
export const Closed: Story = {
  args: {
    status: {
      open: false,
      timeZone: 'UTC',
      opensAt: aMondayAtNine(),
      closesAt: null,
      firstResponseTargetMs: 4 * HOUR,
    },
  },
  play: async ({ canvasElement }) => {
    const notice = within(canvasElement).getByRole('status');
    await expect(notice).toHaveTextContent(/^We’re away right now\. We’ll be back .*9:00/);
  },
};

/** Closed with no known opening (e.g. a calendar of holidays only). */
export const ClosedNoOpening: Story = {
  args: {
    status: {
      open: false,
      timeZone: 'Europe/Berlin',
      opensAt: null,
      closesAt: null,
      firstResponseTargetMs: null,
    },
  },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent(
      'We’re away right now and will reply as soon as we can.',
    );
  },
};

/** Open, on the ticket form: how soon a first reply usually comes. */
export const OpenWithPromise: Story = {
  args: {
    showPromise: true,
    status: {
      open: true,
      timeZone: 'Europe/Berlin',
      opensAt: null,
      closesAt: new Date(Date.now() + 3 * HOUR).toISOString(),
      firstResponseTargetMs: 4 * HOUR,
    },
  },
  play: async ({ canvasElement }) => {
    await expect(canvasElement).toHaveTextContent(/^We usually reply within 4/);
  },
};

/** Open, on the home screen: nothing to say. */
export const OpenQuiet: Story = {
  args: {
    status: { open: true, timeZone: null, opensAt: null, closesAt: null, firstResponseTargetMs: 3_600_000 },
  },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.textContent).toBe('');
  },
};
