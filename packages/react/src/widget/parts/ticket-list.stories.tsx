import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { STORY_SCENARIOS, type TierdeskStoryParameters } from '../../stories/story.types';
import { WidgetPartStory } from '../../stories/story.widget-part';
import { TicketList } from './ticket-list';

// <TicketList/> on its own over `useWidget()`, opened on the user's requests. The promises come from
// the tickets' SLA clocks, counted from when the story renders (`STORY_SCENARIOS.promises`).

const meta = {
  title: 'Widget/Parts/TicketList',
  component: WidgetPartStory,
  args: { part: TicketList, start: (widget) => widget.openTickets() },
  argTypes: { part: { control: false }, start: { control: false } },
  parameters: { tierdesk: STORY_SCENARIOS.promises },
} satisfies Meta<typeof WidgetPartStory>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** Each request with its reference, status and the promise the team owes right now. */
export const WithPromises: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const vpn = await canvas.findByRole('button', { name: /VPN drops every hour/ }, TIMEOUT);
    await expect(vpn).toHaveTextContent(/Reply due in (25|24) min\./);
    await expect(canvas.getByRole('button', { name: /Printer offline/ })).toHaveTextContent(
      /Reply overdue by 40 min/,
    );
    await expect(canvas.getByRole('button', { name: /Data export for the audit/ })).toHaveTextContent(
      /Resolution due /,
    );
    // Waiting for the user (clock paused) and solved: nothing promised.
    await expect(canvas.getByRole('button', { name: /Export is empty/ })).not.toHaveTextContent(
      /due|overdue/,
    );
    await expect(canvas.getByRole('button', { name: /wrong VAT number/ })).not.toHaveTextContent(
      /due|overdue/,
    );
    await expect(canvas.getByRole('button', { name: /Printer offline/ })).toHaveTextContent('Request #1060');
  },
};

/** Opening a request sends the intent (the widget moves to its conversation). */
export const Open: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const printer = await canvas.findByRole('button', { name: /Printer offline/ }, TIMEOUT);
    await userEvent.click(printer);
    await waitFor(
      () =>
        expect(canvasElement.querySelector('[data-screen]')).toHaveAttribute('data-screen', 'conversation'),
      TIMEOUT,
    );
  },
};

/** No requests yet. */
export const Empty: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.empty },
  play: async ({ canvasElement }) => {
    await expect(
      await within(canvasElement).findByText('You haven’t opened any requests yet.', {}, TIMEOUT),
    ).toBeVisible();
  },
};

/** Waiting for the list. */
export const Loading: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.loading },
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByText('Loading…', {}, TIMEOUT)).toBeVisible();
  },
};

/** German: the promises in the user's language. */
export const German: Story = {
  globals: { locale: 'de' },
  args: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const printer = await canvas.findByRole('button', { name: /Printer offline/ }, TIMEOUT);
    await expect(printer).toHaveTextContent(/40 Min/);
  },
};
