import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { storyBackendOf, useStoryBackend } from '../../stories/story.decorator';
import { STORY_AGENT } from '../../stories/story.fixtures';
import { STORY_SCENARIOS, type TierdeskStoryParameters } from '../../stories/story.types';
import { AgentConsoleExample, type AgentConsoleExampleProps } from './agent-console.example';

// <AgentConsoleExample/>: the queue, the open ticket and the metrics on one event stream, over the
// story's in-memory API. The play functions work it as an agent would: pick a ticket from the
// queue, and watch a customer's reply arrive live.

/** The console with its event stream read from the story's in-memory API instead of the network. */
function StoryAgentConsole(props: AgentConsoleExampleProps) {
  const backend = useStoryBackend();
  return <AgentConsoleExample {...props} stream={{ ...props.stream, fetch: backend.fetch }} />;
}

const meta = {
  title: 'Agent/AgentConsoleExample',
  component: AgentConsoleExample,
  render: (args) => <StoryAgentConsole {...args} />,
  args: { currentAgentId: STORY_AGENT.id },
  parameters: { tierdesk: { identity: STORY_AGENT.id } },
} satisfies Meta<typeof AgentConsoleExample>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** The queue and the metrics; no ticket open yet. */
export const Default: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('button', { name: /SSO login loops/ }, TIMEOUT)).toBeVisible();
    await expect(await canvas.findByRole('table', { name: 'Backlog' }, TIMEOUT)).toBeVisible();
    await expect(canvas.queryByRole('region', { name: 'Conversation' })).toBeNull();
  },
};

/** Picking a ticket in the queue opens it beside the queue, its row marked current. */
export const OpenFromQueue: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const row = await canvas.findByRole('button', { name: /VPN drops every hour/ }, TIMEOUT);
    await userEvent.click(row);
    await expect(
      await canvas.findByRole('heading', { level: 2, name: /VPN drops every hour/ }, TIMEOUT),
    ).toBeVisible();
    await expect(row).toHaveAttribute('aria-current', 'true');
    await expect(canvas.getByRole('combobox', { name: 'Macros' })).toBeVisible();
  },
};

/** A message arriving on the console's one stream: the open thread shows it. */
export const LiveUpdate: Story = {
  args: { defaultTicketId: 'tkt-export' },
  play: async (context) => {
    const canvas = within(context.canvasElement);
    await canvas.findByRole('heading', { level: 2, name: /Export is empty/ }, TIMEOUT);
    // The stream is open once the story backend has answered it.
    await waitFor(
      () => expect(storyBackendOf(context).calls.some((c) => c.route === 'agentStream')).toBe(true),
      TIMEOUT,
    );
    storyBackendOf(context).agentReplies('tkt-export', 'Export works with the **wider range** now.');
    await expect(await canvas.findByText('wider range', { selector: 'strong' }, TIMEOUT)).toBeVisible();
  },
};

/** The host's tier names, in the dark theme and right to left. */
export const DarkRightToLeft: Story = {
  globals: { theme: 'dark', locale: 'ar' },
  args: { tierNames: ['Self-service', 'L1', 'L2', 'L3', 'Vendor'], defaultTicketId: 'tkt-mobile' },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('heading', { level: 2, name: /Mobile app crashes/ }, TIMEOUT);
    const root = canvasElement.querySelector('.td-console-example');
    await expect(root).toHaveAttribute('dir', 'rtl');
    await expect(root).toHaveAttribute('data-td-theme', 'dark');
    await waitFor(() => expect(canvas.getAllByText('L2').length).toBeGreaterThan(0), TIMEOUT);
  },
};

/** Nothing in the queue yet. */
export const Empty: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.empty },
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByText('No tickets match these filters.', {}, TIMEOUT),
    ).toBeVisible();
  },
};
