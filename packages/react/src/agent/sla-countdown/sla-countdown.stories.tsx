import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, within } from 'storybook/test';
import { type StoryClockState, storyClock } from '../../stories/story.fixtures';
import { SlaCountdown } from './sla-countdown';

// <SlaCountdown/> in each state. Countdowns compare due times with the real clock, so each story
// builds its clocks when it renders (`storyClock`), counted from that moment: "due in 25 min" stays
// "due in 25 min" whenever the story is opened.

type StoryMetric = 'first_response' | 'next_response' | 'resolution';

/** The story's args: which clocks to build, instead of the clocks themselves. */
interface SlaCountdownStoryArgs {
  /** The state of each clock the ticket has (empty: no SLA). */
  states: StoryClockState[];
  /** The metric of the clocks. */
  metric: StoryMetric;
  /** Per clock, a metric of its own (a ticket has one clock per metric); the rest take `metric`. */
  metrics?: StoryMetric[];
  /** Show the metric's name before the countdown. */
  showMetric: boolean;
}

function StorySlaCountdown({ states, metric, metrics = [], showMetric }: SlaCountdownStoryArgs) {
  // Built once per render of the story: the countdown then ticks on from here.
  const [clocks] = useState(() =>
    states.map((state, i) => storyClock(state, { metric: metrics[i] ?? metric })),
  );
  return <SlaCountdown clocks={clocks} showMetric={showMetric} />;
}

const meta = {
  title: 'Agent/SlaCountdown',
  component: StorySlaCountdown,
  args: { states: ['running'], metric: 'first_response', showMetric: true },
  argTypes: {
    metric: { control: 'inline-radio', options: ['first_response', 'next_response', 'resolution'] },
  },
} satisfies Meta<typeof StorySlaCountdown>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The countdown's element: its state as a data attribute, its text as words. */
function countdown(canvasElement: HTMLElement): HTMLElement {
  return canvasElement.querySelector('.td-sla') as HTMLElement;
}

/** On track: the due time, three hours away. */
export const Running: Story = {
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'running');
    await expect(within(canvasElement).getByText('First response')).toBeVisible();
    await expect(within(canvasElement).getByText('Reply due in 3 hr.')).toBeVisible();
    await expect(canvasElement.querySelector('time')).toHaveAttribute('datetime');
  },
};

/** At risk: past the warning time, due in 25 minutes; flagged in words, not by colour alone. */
export const AtRisk: Story = {
  args: { states: ['warning'] },
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'warning');
    await expect(within(canvasElement).getByText('At risk')).toBeVisible();
    await expect(within(canvasElement).getByText(/Reply due in (25|24) min\./)).toBeVisible();
  },
};

/** Breached: the resolution target passed 40 minutes ago. */
export const Overdue: Story = {
  args: { states: ['overdue'], metric: 'resolution' },
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'overdue');
    await expect(within(canvasElement).getByText('Breached')).toBeVisible();
    await expect(within(canvasElement).getByText(/^Resolution overdue by 40 min/)).toBeVisible();
  },
};

/** Paused while the team waits for the customer: the business time left in the run. */
export const Paused: Story = {
  args: { states: ['paused'] },
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'paused');
    await expect(within(canvasElement).getByText('Paused, 3 hr left')).toBeVisible();
    await expect(canvasElement.querySelector('time')).toBeNull();
  },
};

/** Met: the reply went out in time. */
export const Met: Story = {
  args: { states: ['met'] },
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'met');
    await expect(within(canvasElement).getByText('Met')).toBeVisible();
  },
};

/** Stopped: the clock no longer applies (the ticket was closed, say). */
export const Stopped: Story = {
  args: { states: ['stopped'] },
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'stopped');
    await expect(within(canvasElement).getByText('Stopped')).toBeVisible();
  },
};

/** No SLA applies to the ticket. */
export const NoSla: Story = {
  args: { states: [] },
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'none');
    await expect(within(canvasElement).getByText('No SLA')).toBeVisible();
  },
};

/** Several clocks: the most urgent one is shown (the breach beats the running and the met clock). */
export const MostUrgentOfSeveral: Story = {
  args: {
    states: ['met', 'running', 'overdue'],
    metrics: ['first_response', 'next_response', 'resolution'],
  },
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'overdue');
    await expect(within(canvasElement).getByText('Resolution')).toBeVisible();
  },
};

/** Without the metric's name, as in a narrow column. */
export const WithoutMetric: Story = {
  args: { states: ['warning'], showMetric: false },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).queryByText('First response')).toBeNull();
    await expect(within(canvasElement).getByText('At risk')).toBeVisible();
  },
};

/** German: the countdown's words and durations from the locale. */
export const German: Story = {
  globals: { locale: 'de' },
  args: { states: ['overdue'] },
  play: async ({ canvasElement }) => {
    await expect(countdown(canvasElement)).toHaveAttribute('data-state', 'overdue');
    await expect(countdown(canvasElement).textContent).toMatch(/40 Min/);
  },
};
