import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, within } from 'storybook/test';
import { storyBackendOf } from '../../stories/story.decorator';
import { STORY_SCENARIOS, type TierdeskStoryParameters } from '../../stories/story.types';
import { WidgetPartStory } from '../../stories/story.widget-part';
import { Conversation } from './conversation';

// <Conversation/> on its own over `useWidget()`, opened on one of the user's tickets by the story.

const meta = {
  title: 'Widget/Parts/Conversation',
  component: WidgetPartStory,
  args: { part: Conversation, start: (widget) => widget.openTicket('tkt-vpn') },
  argTypes: { part: { control: false }, start: { control: false } },
} satisfies Meta<typeof WidgetPartStory>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** The thread with the team's markdown replies, and a reply sent from the composer. */
export const Thread: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('heading', { name: 'VPN drops every hour' }, TIMEOUT)).toBeVisible();
    await expect(canvas.getByText('device certificate', { selector: 'strong' })).toBeVisible();
    // The internal note is the agents' only.
    await expect(canvas.queryByText(/gateway pinning/)).toBeNull();
    await userEvent.type(canvas.getByRole('textbox', { name: 'Your message' }), 'New log *attached*.');
    await userEvent.click(canvas.getByRole('button', { name: 'Send' }));
    await expect(await canvas.findByText('attached', { selector: 'em' }, TIMEOUT)).toBeVisible();
  },
};

/** A promise above the thread: the team owes a reply in 25 minutes. */
export const WithPromise: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.promises },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('heading', { name: 'VPN drops every hour' }, TIMEOUT);
    await expect(canvas.getByText(/Reply due in (25|24) min\./)).toBeVisible();
  },
};

/** An agent's reply arriving live. */
export const LiveReply: Story = {
  play: async (context) => {
    const canvas = within(context.canvasElement);
    await canvas.findByRole('heading', { name: 'VPN drops every hour' }, TIMEOUT);
    storyBackendOf(context).agentReplies('tkt-vpn', 'A fix for the **gateway** is rolling out.');
    await expect(await canvas.findByText('gateway', { selector: 'strong' }, TIMEOUT)).toBeVisible();
  },
};

/** A solved request: the notice that a reply reopens it. */
export const Solved: Story = {
  args: { start: (widget) => widget.openTicket('tkt-vat') },
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByText(
        'This request was marked as solved. Reply to reopen it.',
        {},
        TIMEOUT,
      ),
    ).toBeVisible();
  },
};

/** A 200-message thread. */
export const LongThread: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.longThread },
  args: { start: (widget) => widget.openTicket('tkt-calendar') },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const heading = await canvas.findByRole('heading', { name: /Sync conflicts/ }, TIMEOUT);
    await expect(heading).toBeVisible();
    await expect(canvasElement.querySelectorAll('.td-widget-thread > li')).toHaveLength(200);
  },
};
