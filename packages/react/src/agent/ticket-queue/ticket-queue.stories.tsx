import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { STORY_AGENT } from '../../stories/story.fixtures';
import { STORY_SCENARIOS, type TierdeskStoryParameters } from '../../stories/story.types';
import { TicketQueue } from './ticket-queue';

// <TicketQueue/> over the story's in-memory API, acting as the signed-in agent: the fixtures'
// workspace queue, filtered by hand in the play functions, and a busy queue whose countdowns are
// counted from the moment the story renders (breached, at risk, running, paused).

const meta = {
  title: 'Agent/TicketQueue',
  component: TicketQueue,
  args: { onSelect: fn(), searchDebounceMs: 50 },
  parameters: { tierdesk: { identity: STORY_AGENT.id } },
} satisfies Meta<typeof TicketQueue>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** The rows of the queue's table (the header row left out). */
function rows(canvasElement: HTMLElement): HTMLElement[] {
  const table = within(canvasElement).getByRole('table', { name: 'Queue' });
  return within(table).getAllByRole('row').slice(1);
}

/** Unsolved tickets of the workspace, newest first, with requester, tier, priority and countdown. */
export const Default: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const open = await canvas.findByRole('button', { name: /SSO login loops/ }, TIMEOUT);
    await expect(canvas.getByRole('button', { name: /VPN drops every hour/ })).toBeVisible();
    // The solved ticket is not in the default (unsolved) view.
    await expect(canvas.queryByRole('button', { name: /wrong VAT number/ })).toBeNull();
    await expect(await canvas.findByText('5 tickets', {}, TIMEOUT)).toBeVisible();
    await expect(canvas.getByRole('cell', { name: 'Omar Haddad' })).toBeVisible();
    await userEvent.click(open);
    await expect(args.onSelect).toHaveBeenCalledWith('tkt-sso');
  },
};

/** The agent narrows the queue: pending tickets only, then a search that matches nothing. */
export const Filtered: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('button', { name: /SSO login loops/ }, TIMEOUT);
    await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'Status' }), 'pending');
    await waitFor(() => expect(rows(canvasElement)).toHaveLength(1), TIMEOUT);
    await expect(canvas.getByRole('button', { name: /Export is empty/ })).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Clear filters' })).toBeVisible();
    await userEvent.type(canvas.getByRole('searchbox', { name: 'Search tickets' }), 'printer');
    await expect(await canvas.findByText('No tickets match these filters.', {}, TIMEOUT)).toBeVisible();
  },
};

/** The SLA filter set to breached: the one overdue ticket, its countdown saying so in words. */
export const BreachedOnly: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('button', { name: /SSO login loops/ }, TIMEOUT);
    await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'SLA state' }), 'breached');
    await waitFor(() => expect(rows(canvasElement)).toHaveLength(1), TIMEOUT);
    const row = rows(canvasElement)[0] as HTMLElement;
    await expect(within(row).getByRole('button', { name: /Mobile app crashes/ })).toBeVisible();
    await expect(row.querySelector('.td-sla')).toHaveAttribute('data-state', 'overdue');
    await expect(within(row).getByText('Breached')).toBeVisible();
  },
};

/** Waiting for the first page. */
export const Loading: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.loading },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByText('Loading…')).toBeVisible();
    await expect(canvas.getByRole('region', { name: 'Queue' })).toHaveAttribute('aria-busy', 'true');
  },
};

/** A workspace without tickets. */
export const Empty: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.empty },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByText('No tickets match these filters.', {}, TIMEOUT)).toBeVisible();
    await expect(canvas.queryByRole('table')).toBeNull();
  },
};

/** The queue route fails: an alert with a retry. */
export const ServerError: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.error },
  play: async ({ canvasElement }) => {
    const alert = await within(canvasElement).findByRole('alert', {}, TIMEOUT);
    await expect(alert).toHaveTextContent('The queue could not be loaded.');
    await expect(within(alert).getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

/**
 * A busy queue, more than a page: countdowns in every state side by side, and "Load more" for the
 * rest. The clocks are counted from when the story renders, so they always read the same way.
 */
export const ManyRows: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.busyQueue },
  args: { pageSize: 25 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(rows(canvasElement)).toHaveLength(25), TIMEOUT);
    const states = Array.from(canvasElement.querySelectorAll('.td-sla'), (el) =>
      el.getAttribute('data-state'),
    );
    for (const state of ['overdue', 'warning', 'running', 'paused', 'none']) {
      await expect(states).toContain(state);
    }
    await expect(canvas.getAllByText(/^Paused, .* left$/).length).toBeGreaterThan(0);
    await expect(canvas.getAllByText(/overdue by/).length).toBeGreaterThan(0);
    await userEvent.click(canvas.getByRole('button', { name: 'Load more' }));
    // 40 busy tickets (one in eight has no clock, none solved) and the five unsolved fixtures.
    await waitFor(() => expect(rows(canvasElement)).toHaveLength(45), TIMEOUT);
    await expect(canvas.queryByRole('button', { name: 'Load more' })).toBeNull();
    await expect(canvas.getByText('45 tickets')).toBeVisible();
  },
};

/** The dark theme. */
export const Dark: Story = {
  globals: { theme: 'dark' },
  parameters: { tierdesk: STORY_SCENARIOS.busyQueue },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(rows(canvasElement).length).toBeGreaterThan(0), TIMEOUT);
    await expect(canvasElement.querySelector('.td-queue')).toHaveAttribute('data-td-theme', 'dark');
  },
};

/** Arabic, right to left: the catalog's labels and a right-to-left root. */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  parameters: { tierdesk: STORY_SCENARIOS.busyQueue },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvasElement.querySelectorAll('.td-sla').length).toBeGreaterThan(0), TIMEOUT);
    await expect(canvasElement.querySelector('.td-queue')).toHaveAttribute('dir', 'rtl');
    await expect(canvas.getByRole('columnheader', { name: 'الموضوع' })).toBeVisible();
  },
};
