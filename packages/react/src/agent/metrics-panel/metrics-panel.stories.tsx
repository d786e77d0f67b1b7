import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { STORY_AGENT } from '../../stories/story.fixtures';
import { STORY_SCENARIOS, type TierdeskStoryParameters } from '../../stories/story.types';
import { MetricsPanel } from './metrics-panel';

// <MetricsPanel/> over the story's in-memory API: a month of metrics, a quiet window where every
// rate is "no data", and the loading and error states.

const meta = {
  title: 'Agent/MetricsPanel',
  component: MetricsPanel,
  args: {},
  parameters: { tierdesk: { identity: STORY_AGENT.id } },
} satisfies Meta<typeof MetricsPanel>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** Headline figures and the tables: times, SLA compliance, escalations, backlog, CSAT. */
export const WithData: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const times = await canvas.findByRole('table', { name: 'Response and resolution times' }, TIMEOUT);
    await expect(within(times).getByRole('rowheader', { name: 'First response' })).toBeVisible();
    await expect(canvas.getByRole('table', { name: 'SLA compliance' })).toBeVisible();
    const escalations = canvas.getByRole('table', { name: 'Escalations' });
    await expect(within(escalations).getAllByRole('row')).toHaveLength(5);
    await expect(canvas.getByRole('table', { name: 'Backlog' })).toBeVisible();
    // 162 of 188 satisfied, as a locale percentage.
    await expect(canvas.getAllByText('86.2%').length).toBeGreaterThan(0);
    await expect(canvas.getAllByText('162 of 188').length).toBeGreaterThan(0);
  },
};

/** The agent picks another window: the panel asks for it and keeps its tables. */
export const OtherWindow: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('table', { name: 'Backlog' }, TIMEOUT);
    const period = canvas.getByRole('combobox', { name: 'Period' });
    await userEvent.selectOptions(period, '7');
    await expect(period).toHaveValue('7');
    await waitFor(
      () => expect(canvas.getByRole('region', { name: 'Metrics' })).toHaveAttribute('aria-busy', 'false'),
      TIMEOUT,
    );
    await expect(canvas.getByRole('table', { name: 'Backlog' })).toBeVisible();
  },
};

/** A window without activity: no rates to show, said in words (a dash is shown, "No data" read). */
export const EmptyWindow: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.empty },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(
      () => expect(canvas.getAllByText('No data for this period.').length).toBeGreaterThan(0),
      TIMEOUT,
    );
    await expect(canvas.queryByRole('table', { name: 'Escalations' })).toBeNull();
    await expect(canvas.getAllByText('No data').length).toBeGreaterThan(0);
  },
};

/** Waiting for the report. */
export const Loading: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.loading },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('status')).toHaveTextContent('Loading…');
    await expect(canvas.getByRole('region', { name: 'Metrics' })).toHaveAttribute('aria-busy', 'true');
  },
};

/** The metrics route fails: an alert with a retry. */
export const ServerError: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.error },
  play: async ({ canvasElement }) => {
    const alert = await within(canvasElement).findByRole('alert', {}, TIMEOUT);
    await expect(alert).toHaveTextContent('The metrics could not be loaded.');
    await expect(within(alert).getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

/** The dark theme, with the host's tier names. */
export const DarkWithTierNames: Story = {
  globals: { theme: 'dark' },
  args: { tierNames: ['Self-service', 'L1', 'L2', 'L3', 'Vendor'] },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const backlog = await canvas.findByRole('table', { name: 'Backlog' }, TIMEOUT);
    await expect(within(backlog).getByRole('rowheader', { name: 'L2' })).toBeVisible();
    await expect(canvasElement.querySelector('.td-metrics')).toHaveAttribute('data-td-theme', 'dark');
  },
};

/** Arabic, right to left, with Arabic digits and percentages from the locale. */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    await waitFor(
      () => expect(canvasElement.querySelectorAll('.td-metrics-table').length).toBeGreaterThan(0),
      TIMEOUT,
    );
    await expect(canvasElement.querySelector('.td-metrics')).toHaveAttribute('dir', 'rtl');
  },
};
