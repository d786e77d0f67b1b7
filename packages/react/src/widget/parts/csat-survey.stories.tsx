import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { storyBackendOf } from '../../stories/story.decorator';
import type { TierdeskStoryParameters } from '../../stories/story.types';
import { WidgetPartStory } from '../../stories/story.widget-part';
import { CsatSurvey } from './csat-survey';

// <CsatSurvey/> on its own over `useWidget()`. The widget watches a ticket that the play function
// has solved (as an agent would), so the rating goes to the server like in the full widget.

const meta = {
  title: 'Widget/Parts/CsatSurvey',
  component: WidgetPartStory,
  args: { part: CsatSurvey, start: (widget) => widget.openTicket('tkt-vpn') },
  argTypes: { part: { control: false }, start: { control: false } },
} satisfies Meta<typeof WidgetPartStory>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** The 1–5 scale as a radio group, and an optional comment; nothing to send before a choice. */
export const Survey: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const scale = canvas.getByRole('group', { name: 'How would you rate the support you received?' });
    await expect(within(scale).getAllByRole('radio')).toHaveLength(5);
    await expect(canvas.getByRole('textbox', { name: /Anything else/ })).toHaveValue('');
    await expect(canvas.getByRole('button', { name: 'Send rating' })).toBeDisabled();
  },
};

/** Rated after the team solved the request: the score and comment reach the server. */
export const Rated: Story = {
  play: async (context) => {
    const canvas = within(context.canvasElement);
    const backend = storyBackendOf(context);
    await waitFor(
      () => expect(backend.calls.some((c) => c.route === 'getMyTicket' && c.status === 200)).toBe(true),
      TIMEOUT,
    );
    await backend.client.updateTicket({ params: { ticketId: 'tkt-vpn' }, body: { status: 'solved' } });
    // The solve arrives over the live stream and the widget asks for the rating.
    await waitFor(
      () =>
        expect(context.canvasElement.querySelector('[data-screen]')).toHaveAttribute('data-screen', 'csat'),
      TIMEOUT,
    );
    await userEvent.click(canvas.getByRole('radio', { name: 'Very satisfied' }));
    await userEvent.type(canvas.getByRole('textbox', { name: /Anything else/ }), 'Quick and clear.');
    const send = canvas.getByRole('button', { name: 'Send rating' });
    await waitFor(() => expect(send).toBeEnabled(), TIMEOUT);
    await userEvent.click(send);
    await waitFor(
      () =>
        expect(backend.calls).toContainEqual(
          expect.objectContaining({
            route: 'submitCsat',
            body: expect.objectContaining({ score: 5, comment: 'Quick and clear.' }),
          }),
        ),
      TIMEOUT,
    );
    // Accepted: the widget thanks the user.
    await waitFor(
      () =>
        expect(context.canvasElement.querySelector('[data-screen]')).toHaveAttribute('data-screen', 'thanks'),
      TIMEOUT,
    );
  },
};

/** Arabic, right to left. */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  args: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('.td-widget-part-story')).toHaveAttribute('dir', 'rtl');
    await expect(within(canvasElement).getAllByRole('radio')).toHaveLength(5);
  },
};
