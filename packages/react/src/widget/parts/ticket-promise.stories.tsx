import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, within } from 'storybook/test';
import { type StoryClockState, storyClock, storyTickets } from '../../stories/story.fixtures';
import { TicketPromise } from './ticket-promise';

// <TicketPromise/>: what a ticket's requester is owed right now. Promises compare due times with the
// real clock, so each story builds its ticket's clocks when it renders, counted from that moment.

type PromiseMetric = 'first_response' | 'next_response' | 'resolution';

/** The story's args: the ticket's clocks as states and due times, not the clocks themselves. */
interface TicketPromiseStoryArgs {
  /** The ticket's clocks: a state, a metric and for running ones the ms until due. */
  clocks: { state: StoryClockState; metric: PromiseMetric; remainingMs?: number }[];
}

function StoryTicketPromise({ clocks }: TicketPromiseStoryArgs) {
  const [ticket] = useState(() => {
    const now = Date.now();
    const base = storyTickets()[0]?.ticket;
    if (base === undefined) throw new Error('The story fixtures have no ticket.');
    return {
      ...base,
      sla: clocks.map(({ state, metric, remainingMs }) =>
        storyClock(state, {
          now,
          metric,
          ...(remainingMs === undefined ? {} : { remainingMs }),
          ...(metric === 'resolution' ? { targetMs: 40 * HOUR } : {}),
        }),
      ),
    };
  });
  return (
    <div data-testid="promise">
      <TicketPromise ticket={ticket} />
    </div>
  );
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const meta = {
  title: 'Widget/Parts/TicketPromise',
  component: StoryTicketPromise,
  args: { clocks: [{ state: 'warning', metric: 'first_response', remainingMs: 25 * MINUTE }] },
} satisfies Meta<typeof StoryTicketPromise>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A reply due soon: relative, in minutes. */
export const ReplyDueSoon: Story = {
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText(/^Reply due in (25|24) min\.$/)).toBeVisible();
  },
};

/** A reply due later (tomorrow): the day and time instead of a countdown. */
export const ReplyDueLater: Story = {
  args: { clocks: [{ state: 'running', metric: 'first_response', remainingMs: 30 * HOUR }] },
  play: async ({ canvasElement }) => {
    const text = within(canvasElement).getByTestId('promise').textContent ?? '';
    await expect(text).toMatch(/^Reply due /);
    await expect(text).not.toMatch(/ in /);
    await expect(text).toMatch(/\d/);
  },
};

/** The team is late: overdue, said plainly. */
export const Overdue: Story = {
  args: { clocks: [{ state: 'overdue', metric: 'first_response', remainingMs: -40 * MINUTE }] },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText(/^Reply overdue by 40 min/)).toBeVisible();
  },
};

/** Only the resolution clock runs (the reply was sent): the resolution is promised. */
export const Resolution: Story = {
  args: {
    clocks: [
      { state: 'met', metric: 'first_response' },
      { state: 'running', metric: 'resolution', remainingMs: 3 * HOUR },
    ],
  },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText(/^Resolution due in 3 hr\.$/)).toBeVisible();
  },
};

/** The reply is promised before the resolution when both run. */
export const ReplyBeforeResolution: Story = {
  args: {
    clocks: [
      { state: 'running', metric: 'resolution', remainingMs: 2 * HOUR },
      { state: 'running', metric: 'next_response', remainingMs: 4 * HOUR },
    ],
  },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText(/^Reply due in 4 hr\.$/)).toBeVisible();
  },
};

/** Nothing promised: the team waits for the user (paused) and the reply was met. */
export const NothingPromised: Story = {
  args: {
    clocks: [
      { state: 'met', metric: 'first_response' },
      { state: 'paused', metric: 'resolution' },
    ],
  },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByTestId('promise')).toBeEmptyDOMElement();
  },
};

/** Arabic: the promise in the user's language. */
export const Arabic: Story = {
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const text = within(canvasElement).getByTestId('promise').textContent ?? '';
    await expect(text).toMatch(/^الرد مستحق/);
  },
};
