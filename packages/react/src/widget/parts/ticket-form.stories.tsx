import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { storyBackendOf } from '../../stories/story.decorator';
import type { TierdeskStoryParameters } from '../../stories/story.types';
import { WidgetPartStory } from '../../stories/story.widget-part';
import { TicketForm } from './ticket-form';

// <TicketForm/> on its own over `useWidget()`, opened on a new message by the story.

const meta = {
  title: 'Widget/Parts/TicketForm',
  component: WidgetPartStory,
  args: { part: TicketForm, start: (widget) => widget.newTicket() },
  argTypes: { part: { control: false }, start: { control: false } },
} satisfies Meta<typeof WidgetPartStory>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** Articles suggested while the user describes the problem. */
export const WithSuggestions: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(await canvas.findByRole('textbox', { name: 'Subject' }, TIMEOUT), 'Export');
    await userEvent.type(
      canvas.getByRole('textbox', { name: 'How can we help?' }),
      'The CSV export is empty.',
    );
    const suggestions = await canvas.findByRole('region', { name: 'These articles may help' }, TIMEOUT);
    await expect(within(suggestions).getByRole('button', { name: /Exporting reports to CSV/ })).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Send request' })).toBeEnabled();
  },
};

/** Prefilled by the host ("Report a problem"), then sent. */
export const PrefilledAndSent: Story = {
  args: { start: (widget) => widget.newTicket({ subject: 'Billing question', body: 'Can we pay yearly?' }) },
  play: async (context) => {
    const canvas = within(context.canvasElement);
    await waitFor(
      () => expect(canvas.getByRole('textbox', { name: 'Subject' })).toHaveValue('Billing question'),
      TIMEOUT,
    );
    await userEvent.click(canvas.getByRole('button', { name: 'Send request' }));
    await waitFor(
      () =>
        expect(storyBackendOf(context).calls).toContainEqual(
          expect.objectContaining({
            route: 'createTicket',
            body: expect.objectContaining({ subject: 'Billing question' }),
          }),
        ),
      TIMEOUT,
    );
  },
};

/** A blank form cannot be sent. */
export const Blank: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await expect(await canvas.findByRole('textbox', { name: 'Subject' }, TIMEOUT)).toHaveValue('');
    await expect(canvas.getByRole('button', { name: 'Send request' })).toBeDisabled();
  },
};
