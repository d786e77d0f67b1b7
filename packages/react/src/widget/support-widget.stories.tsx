import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { storyBackendOf, useStoryBackend } from '../stories/story.decorator';
import { STORY_USER } from '../stories/story.fixtures';
import { STORY_SCENARIOS, type TierdeskStoryParameters } from '../stories/story.types';
import { SupportWidget, type SupportWidgetProps } from './support-widget';
import { createSupportWidgetController } from './widget.controller';

// <SupportWidget/> in every state a user can reach, each reached the way a user would: the play
// functions click the launcher and go from screen to screen. The data comes from the story's
// in-memory API (see src/stories/), so these stories never need a server.

/** The widget with its live stream read from the story's in-memory API instead of the network. */
function StorySupportWidget(props: SupportWidgetProps) {
  const backend = useStoryBackend();
  return <SupportWidget {...props} stream={{ ...props.stream, fetch: backend.fetch }} />;
}

/**
 * A host page driving the widget through its controller: a "Report a problem" button that opens a
 * prefilled message, and a link to one of the user's requests.
 */
function StoryHostWithController(props: SupportWidgetProps) {
  const [controller] = useState(createSupportWidgetController);
  return (
    <>
      <button
        type="button"
        onClick={() =>
          controller.startMessage({ subject: 'Export is empty', body: 'The CSV has only a header row.' })
        }
      >
        Report a problem
      </button>
      <button type="button" onClick={() => controller.openTicket('tkt-vpn')}>
        View request #1042
      </button>
      <StorySupportWidget {...props} controller={controller} />
    </>
  );
}

const meta = {
  title: 'Widget/SupportWidget',
  component: SupportWidget,
  render: (args) => <StorySupportWidget {...args} />,
  args: {
    user: { id: STORY_USER.id, name: STORY_USER.name ?? 'Wanda' },
    locale: 'en',
    debounceMs: 50,
    // Drafts in memory only: a story never inherits what another one typed.
    storage: null,
  },
  argTypes: {
    locale: { control: 'inline-radio', options: ['en', 'de', 'ar'] },
  },
} satisfies Meta<typeof SupportWidget>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** Opens the widget with the launcher and waits for the home screen; returns the dialog's queries. */
async function open(canvasElement: HTMLElement, name = 'Open help') {
  const canvas = within(canvasElement);
  await userEvent.click(canvas.getByRole('button', { name }));
  // The panel is a lazy chunk, and its screen follows the machine, which opens in an effect.
  const dialog = within(await canvas.findByRole('dialog', {}, TIMEOUT));
  await dialog.findByRole('searchbox', {}, TIMEOUT);
  return dialog;
}

/** Opens the widget and the user's tickets. */
async function openTickets(canvasElement: HTMLElement) {
  const dialog = await open(canvasElement);
  await userEvent.click(dialog.getByRole('button', { name: 'Your requests' }));
  return dialog;
}

/** The launcher alone: the panel's code is not even loaded yet. */
export const Closed: Story = {
  play: async ({ canvasElement }) => {
    const launcher = within(canvasElement).getByRole('button', { name: 'Open help' });
    await expect(launcher).toHaveAttribute('aria-expanded', 'false');
    await expect(within(canvasElement).queryByRole('dialog')).toBeNull();
  },
};

/** Opened: the help-center search with focus in the search field. */
export const Home: Story = {
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    const search = dialog.getByRole('searchbox', { name: 'Search help articles' });
    await waitFor(() => expect(search).toHaveFocus());
  },
};

/** Search as you type, with the matching words highlighted. */
export const SearchResults: Story = {
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    await userEvent.type(dialog.getByRole('searchbox'), 'vpn');
    const hit = await dialog.findByRole('button', { name: /Fixing VPN drops/ }, TIMEOUT);
    await expect(hit.querySelector('mark')).toHaveTextContent(/vpn/i);
    await expect(dialog.getByRole('button', { name: /Renewing your device certificate/ })).toBeVisible();
  },
};

/** A search that finds nothing, in a help center without articles. */
export const SearchWithoutResults: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.empty },
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    await userEvent.type(dialog.getByRole('searchbox'), 'printer');
    await expect(await dialog.findByText('No articles match “printer”.', {}, TIMEOUT)).toBeVisible();
  },
};

/** An article opened from the results: the server's markdown tree rendered, with the vote. */
export const Article: Story = {
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    await userEvent.type(dialog.getByRole('searchbox'), 'vpn drops');
    await userEvent.click(await dialog.findByRole('button', { name: /Fixing VPN drops/ }, TIMEOUT));
    await expect(await dialog.findByRole('heading', { name: 'Fixing VPN drops' }, TIMEOUT)).toBeVisible();
    await expect(dialog.getByRole('heading', { name: 'Check the certificate' })).toBeVisible();
    await expect(dialog.getByRole('group', { name: 'Was this article helpful?' })).toBeVisible();
  },
};

/** The ticket form suggesting articles while the user describes the problem. */
export const TicketFormWithSuggestions: Story = {
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    await userEvent.click(dialog.getByRole('button', { name: 'Contact support' }));
    await userEvent.type(await dialog.findByRole('textbox', { name: 'Subject' }), 'VPN drops');
    await userEvent.type(
      dialog.getByRole('textbox', { name: 'How can we help?' }),
      'The VPN drops every hour.',
    );
    const suggestions = await dialog.findByRole('region', { name: 'These articles may help' }, TIMEOUT);
    await expect(within(suggestions).getByRole('button', { name: /Fixing VPN drops/ })).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Send request' })).toBeEnabled();
  },
};

/** Sending the form fails: the text is kept and the user can try again. */
export const TicketSubmitFailed: Story = {
  parameters: { tierdesk: { fail: ['createTicket'] } },
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    await userEvent.click(dialog.getByRole('button', { name: 'Contact support' }));
    await userEvent.type(await dialog.findByRole('textbox', { name: 'Subject' }), 'Printer offline');
    await userEvent.type(dialog.getByRole('textbox', { name: 'How can we help?' }), 'Nothing prints.');
    await userEvent.click(dialog.getByRole('button', { name: 'Send request' }));
    const alert = await dialog.findByRole('alert', {}, TIMEOUT);
    await expect(alert).toHaveTextContent('We couldn’t send your request.');
    await expect(dialog.getByRole('textbox', { name: 'Subject' })).toHaveValue('Printer offline');
  },
};

/** The user's requests, newest first, with their status. */
export const MyTickets: Story = {
  play: async ({ canvasElement }) => {
    const dialog = await openTickets(canvasElement);
    await expect(await dialog.findByRole('button', { name: /VPN drops every hour/ }, TIMEOUT)).toBeVisible();
    await expect(dialog.getByRole('button', { name: /Export is empty.*Waiting for you/ })).toBeVisible();
    await expect(dialog.getByRole('button', { name: /wrong VAT number.*Solved/ })).toBeVisible();
  },
};

/** No requests yet. */
export const MyTicketsEmpty: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.empty },
  play: async ({ canvasElement }) => {
    const dialog = await openTickets(canvasElement);
    await expect(await dialog.findByText('You haven’t opened any requests yet.', {}, TIMEOUT)).toBeVisible();
  },
};

/** A conversation with the support team, markdown replies included, and a reply being sent. */
export const Conversation: Story = {
  play: async ({ canvasElement }) => {
    const dialog = await openTickets(canvasElement);
    await userEvent.click(await dialog.findByRole('button', { name: /VPN drops every hour/ }, TIMEOUT));
    await expect(await dialog.findByRole('heading', { name: 'VPN drops every hour' }, TIMEOUT)).toBeVisible();
    await expect(dialog.getByText('device certificate', { selector: 'strong' })).toBeVisible();
    await userEvent.type(dialog.getByRole('textbox', { name: 'Your message' }), 'Log attached, **thanks**!');
    await userEvent.click(dialog.getByRole('button', { name: 'Send' }));
    await expect(await dialog.findByText('thanks', { selector: 'strong' }, TIMEOUT)).toBeVisible();
  },
};

/** An agent's reply arriving live over the event stream while the conversation is open. */
export const LiveReply: Story = {
  play: async (context) => {
    const dialog = await openTickets(context.canvasElement);
    await userEvent.click(await dialog.findByRole('button', { name: /Export is empty/ }, TIMEOUT));
    await dialog.findByRole('heading', { name: 'Export is empty' }, TIMEOUT);
    storyBackendOf(context).agentReplies('tkt-export', 'Any luck with the **wider range**?');
    await expect(await dialog.findByText('wider range', { selector: 'strong' }, TIMEOUT)).toBeVisible();
  },
};

/** The request is solved while the user watches: the widget asks for a rating. */
export const Rating: Story = {
  play: async (context) => {
    const dialog = await openTickets(context.canvasElement);
    await userEvent.click(await dialog.findByRole('button', { name: /VPN drops every hour/ }, TIMEOUT));
    await dialog.findByRole('heading', { name: 'VPN drops every hour' }, TIMEOUT);
    await storyBackendOf(context).client.updateTicket({
      params: { ticketId: 'tkt-vpn' },
      body: { status: 'solved' },
    });
    const question = await dialog.findByRole(
      'group',
      { name: 'How would you rate the support you received?' },
      TIMEOUT,
    );
    await userEvent.click(within(question).getByRole('radio', { name: 'Very satisfied' }));
    await expect(dialog.getByRole('button', { name: 'Send rating' })).toBeEnabled();
  },
};

/** A conversation of 200 messages. */
export const LongThread: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.longThread },
  play: async ({ canvasElement }) => {
    const dialog = await openTickets(canvasElement);
    await userEvent.click(await dialog.findByRole('button', { name: /Sync conflicts/ }, TIMEOUT));
    await dialog.findByRole('heading', { name: 'Sync conflicts on the shared calendar' }, TIMEOUT);
    await waitFor(() => expect(dialog.getAllByRole('listitem')).toHaveLength(200), TIMEOUT);
  },
};

/** Waiting for the server: the user's requests are loading. */
export const Loading: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.loading },
  play: async ({ canvasElement }) => {
    const dialog = await openTickets(canvasElement);
    await expect(await dialog.findByText('Loading…')).toBeVisible();
  },
};

/** The server answers with an error (503 with the API's error body); the user can retry. */
export const ServerError: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.error },
  play: async ({ canvasElement }) => {
    const dialog = await openTickets(canvasElement);
    const alert = await dialog.findByRole('alert', {}, TIMEOUT);
    await expect(alert).toHaveTextContent('Something went wrong.');
    await expect(within(alert).getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

/** The network drops while the widget is open. */
export const Offline: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.offline },
  // The browser's `offline` event also pauses TanStack Query everywhere: say we are back afterwards.
  beforeEach: () => () => {
    window.dispatchEvent(new Event('online'));
  },
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    window.dispatchEvent(new Event('offline'));
    await expect(
      await dialog.findByText('You’re offline. Messages will be sent when you reconnect.', {}, TIMEOUT),
    ).toBeVisible();
  },
};

/** The dark theme. */
export const Dark: Story = {
  globals: { theme: 'dark' },
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement);
    await userEvent.type(dialog.getByRole('searchbox'), 'vpn');
    await dialog.findByRole('button', { name: /Fixing VPN drops/ }, TIMEOUT);
    await expect(canvasElement.querySelector('.td-widget')).toHaveAttribute('data-td-theme', 'dark');
  },
};

/** Arabic, right to left, searching the Arabic articles. */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  args: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const dialog = await open(canvasElement, 'فتح المساعدة');
    await expect(canvasElement.querySelector('.td-widget')).toHaveAttribute('dir', 'rtl');
    await userEvent.type(dialog.getByRole('searchbox'), 'VPN');
    await expect(
      await dialog.findByRole('button', { name: /إصلاح انقطاع اتصال VPN/ }, TIMEOUT),
    ).toBeVisible();
  },
};

/** Unstyled: only `td-*` class names, for hosts that bring their own CSS. */
export const Unstyled: Story = {
  globals: { theme: 'unstyled' },
  play: async ({ canvasElement }) => {
    await open(canvasElement);
    await expect(canvasElement.querySelector('[data-td-theme]')).toBeNull();
    // The live region is behaviour, not look: it stays visually hidden without the stylesheet too.
    const live = canvasElement.querySelector('[aria-live="polite"]') as HTMLElement;
    await expect(live.style.position).toBe('absolute');
    await expect(live.style.clipPath).toBe('inset(50%)');
  },
};

/** The host's controller opens the widget on a new message, prefilled ("Report a problem"). */
export const ControllerStartMessage: Story = {
  render: (args) => <StoryHostWithController {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'Report a problem' }));
    const dialog = within(await canvas.findByRole('dialog', {}, TIMEOUT));
    const subject = await dialog.findByRole('textbox', { name: 'Subject' }, TIMEOUT);
    await waitFor(() => expect(subject).toHaveValue('Export is empty'), TIMEOUT);
    await expect(dialog.getByRole('textbox', { name: 'How can we help?' })).toHaveValue(
      'The CSV has only a header row.',
    );
    await expect(canvas.getByRole('button', { name: 'Close help' })).toHaveAttribute('aria-expanded', 'true');
  },
};

/** The host's controller opens the widget on one of the user's requests. */
export const ControllerOpenTicket: Story = {
  render: (args) => <StoryHostWithController {...args} />,
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'View request #1042' }));
    const dialog = within(await canvas.findByRole('dialog', {}, TIMEOUT));
    await expect(await dialog.findByRole('heading', { name: 'VPN drops every hour' }, TIMEOUT)).toBeVisible();
    await expect(dialog.getByRole('textbox', { name: 'Your message' })).toBeVisible();
  },
};
