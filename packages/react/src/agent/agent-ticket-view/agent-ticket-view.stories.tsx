import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { storyBackendOf } from '../../stories/story.decorator';
import { STORY_AGENT } from '../../stories/story.fixtures';
import { STORY_SCENARIOS, type TierdeskStoryParameters } from '../../stories/story.types';
import { EXAMPLE_MACROS } from '../examples/agent-console.example';
import { AgentTicketView } from './agent-ticket-view';

// <AgentTicketView/> over the story's in-memory API, acting as the signed-in agent: the thread with
// internal notes and a tier change, the composer with macros, the escalation form, a version
// conflict (someone else changes the ticket first), and the loading and error states.

const meta = {
  title: 'Agent/AgentTicketView',
  component: AgentTicketView,
  args: {
    ticketId: 'tkt-mobile',
    currentAgentId: STORY_AGENT.id,
    macros: EXAMPLE_MACROS,
    onSelectTicket: fn(),
  },
  parameters: { tierdesk: { identity: STORY_AGENT.id } },
} satisfies Meta<typeof AgentTicketView>;

export default meta;
type Story = StoryObj<typeof meta> & { parameters?: TierdeskStoryParameters };

const TIMEOUT = { timeout: 5_000 };

/** Waits for the ticket to load; returns the canvas's queries. */
async function loaded(canvasElement: HTMLElement, title: RegExp) {
  const canvas = within(canvasElement);
  await canvas.findByRole('heading', { level: 2, name: title }, TIMEOUT);
  return canvas;
}

/** The thread: customer and agent messages, an internal note told apart, and the escalation with its reason. */
export const ThreadWithNotesAndTierChange: Story = {
  play: async ({ canvasElement }) => {
    const canvas = await loaded(canvasElement, /^Ticket #.*: Mobile app crashes/);
    const thread = within(canvas.getByRole('region', { name: 'Conversation' }));
    await expect(thread.getAllByRole('article', { name: 'Message from Jonas Becker' })).toHaveLength(2);
    const note = thread.getByRole('article', { name: 'Internal note from Raj Patel' });
    await expect(within(note).getByText('Internal')).toBeVisible();
    await expect(within(note).getByText('null pointer', { selector: 'strong' })).toBeVisible();
    await expect(thread.getByText('Escalated from Tier 1 to Tier 2')).toBeVisible();
    await expect(thread.getByText(/^Reason: Reproducible on Android 15 only/)).toBeVisible();
    // The resolution clock of this ticket is breached.
    await expect(canvasElement.querySelector('.td-ticket-summary .td-sla')).toHaveAttribute(
      'data-state',
      'overdue',
    );
  },
};

/** A 200-message conversation. */
export const LongThread: Story = {
  args: { ticketId: 'tkt-calendar' },
  parameters: { tierdesk: STORY_SCENARIOS.longThread },
  play: async ({ canvasElement }) => {
    const canvas = await loaded(canvasElement, /Sync conflicts on the shared calendar/);
    const thread = within(canvas.getByRole('region', { name: 'Conversation' }));
    await expect(thread.getAllByRole('article')).toHaveLength(200);
  },
};

/** A macro applied: its text in the composer and its status staged, both sent in one step. */
export const ComposerWithMacro: Story = {
  args: { ticketId: 'tkt-vpn' },
  play: async ({ canvasElement }) => {
    const canvas = await loaded(canvasElement, /VPN drops every hour/);
    await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'Macros' }), 'ask-for-logs');
    await userEvent.click(canvas.getByRole('button', { name: 'Apply macro' }));
    const reply = canvas.getByRole('textbox', { name: 'Reply to customer' });
    await expect(reply).toHaveValue(EXAMPLE_MACROS[0]?.body);
    await expect(reply).toHaveFocus();
    const staged = canvas.getByRole('list', { name: 'Also applies' });
    await expect(within(staged).getByText('Status: Pending')).toBeVisible();
    await expect(canvas.getByRole('status')).toHaveTextContent('Macro “Ask for logs” applied');
    await userEvent.click(canvas.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('Reply sent'), TIMEOUT);
    await expect(reply).toHaveValue('');
    await expect(canvas.getByRole('combobox', { name: 'Status' })).toHaveValue('pending');
    await expect(canvas.getByText('Settings → Diagnostics', { selector: 'strong' })).toBeVisible();
  },
};

/** An internal note: the composer switched to note mode. */
export const InternalNote: Story = {
  args: { ticketId: 'tkt-vpn' },
  play: async ({ canvasElement }) => {
    const canvas = await loaded(canvasElement, /VPN drops every hour/);
    await userEvent.click(canvas.getByRole('radio', { name: 'Internal note' }));
    await userEvent.type(canvas.getByRole('textbox', { name: 'Internal note' }), 'Asked **PRB-88** owners.');
    await userEvent.click(canvas.getByRole('button', { name: 'Add note' }));
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('Note added'), TIMEOUT);
    const notes = canvas.getAllByRole('article', { name: 'Internal note from Lee Okafor' });
    await expect(within(notes.at(-1) as HTMLElement).getByText('PRB-88')).toBeVisible();
  },
};

/** Escalating needs a reason: sending without one says so next to the field, which takes focus. */
export const EscalateReasonRequired: Story = {
  play: async ({ canvasElement }) => {
    const canvas = await loaded(canvasElement, /Mobile app crashes/);
    await userEvent.click(canvas.getByRole('button', { name: 'Escalate' }));
    const form = within(canvas.getByRole('form', { name: 'Escalate to a higher tier' }));
    await expect(form.getByRole('combobox', { name: 'Target tier' })).toHaveFocus();
    await userEvent.click(form.getByRole('button', { name: 'Escalate to Tier 3' }));
    const reason = form.getByRole('textbox', { name: 'Reason' });
    await expect(reason).toHaveFocus();
    await expect(reason).toHaveAttribute('aria-invalid', 'true');
    await expect(reason).toHaveAccessibleDescription('Give a reason for the change.');
  },
};

/** Escalated with a reason: the tier moves, the thread says so, and focus returns to the button. */
export const Escalated: Story = {
  play: async ({ canvasElement }) => {
    const canvas = await loaded(canvasElement, /Mobile app crashes/);
    const escalate = canvas.getByRole('button', { name: 'Escalate' });
    await userEvent.click(escalate);
    const form = within(canvas.getByRole('form', { name: 'Escalate to a higher tier' }));
    await userEvent.type(form.getByRole('textbox', { name: 'Reason' }), 'Needs the push module owners.');
    await userEvent.click(form.getByRole('button', { name: 'Escalate to Tier 3' }));
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent('Moved to Tier 3'), TIMEOUT);
    await expect(await canvas.findByText('Escalated from Tier 2 to Tier 3', {}, TIMEOUT)).toBeVisible();
    await expect(escalate).toHaveFocus();
  },
};

/**
 * Someone else changed the ticket after it was loaded: the agent's change is refused (the version
 * they saw is stale), the view reloads, and the alert says what happened.
 */
export const VersionConflict: Story = {
  args: { ticketId: 'tkt-vpn' },
  play: async (context) => {
    const canvas = await loaded(context.canvasElement, /VPN drops every hour/);
    // Another agent raises the priority; this view has no live stream, so it still shows the old version.
    await storyBackendOf(context).client.updateTicket({
      params: { ticketId: 'tkt-vpn' },
      body: { priority: 'urgent' },
    });
    await userEvent.selectOptions(canvas.getByRole('combobox', { name: 'Status' }), 'pending');
    const alert = await canvas.findByRole('alert', {}, TIMEOUT);
    await expect(alert).toHaveTextContent('This ticket changed while you were editing.');
    // Reloaded: the other agent's change is what the view shows now.
    await waitFor(
      () => expect(canvas.getByRole('combobox', { name: 'Priority' })).toHaveValue('urgent'),
      TIMEOUT,
    );
  },
};

/** The host's customer card beside the thread, with the requester's other tickets. */
export const CustomerCard: Story = {
  args: {
    ticketId: 'tkt-vpn',
    renderCustomerCard: (requester) => (
      <p>
        CRM: {requester.name} · plan <strong>{requester.plan}</strong> · renewal in March
      </p>
    ),
  },
  play: async ({ canvasElement, args }) => {
    const canvas = await loaded(canvasElement, /VPN drops every hour/);
    const panel = within(canvas.getByRole('complementary', { name: 'Requester' }));
    await expect(panel.getByText(/renewal in March/)).toBeVisible();
    const other = await panel.findByRole('button', { name: /Export is empty/ }, TIMEOUT);
    await userEvent.click(other);
    await expect(args.onSelectTicket).toHaveBeenCalledWith('tkt-export');
  },
};

/** Waiting for the ticket. */
export const Loading: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.loading },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent('Loading…');
  },
};

/** The ticket cannot be loaded: an alert with a retry. */
export const ServerError: Story = {
  parameters: { tierdesk: STORY_SCENARIOS.error },
  play: async ({ canvasElement }) => {
    const alert = await within(canvasElement).findByRole('alert', {}, TIMEOUT);
    await expect(alert).toHaveTextContent('The ticket could not be loaded.');
    await expect(within(alert).getByRole('button', { name: 'Try again' })).toBeVisible();
  },
};

/** The dark theme. */
export const Dark: Story = {
  globals: { theme: 'dark' },
  play: async ({ canvasElement }) => {
    await loaded(canvasElement, /Mobile app crashes/);
    await expect(canvasElement.querySelector('.td-ticket-view')).toHaveAttribute('data-td-theme', 'dark');
  },
};

/** Arabic, right to left. */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByRole('heading', { level: 2, name: /Mobile app crashes/ }, TIMEOUT);
    await expect(canvasElement.querySelector('.td-ticket-view')).toHaveAttribute('dir', 'rtl');
  },
};
