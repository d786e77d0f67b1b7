// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Requester, TierdeskClient } from '@tierdesk/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestServer } from '../../../../node/tests/support/server';
import { openServer, testQueryClient } from '../../hooks/hooks.test-support';
import { TierdeskProvider } from '../../provider/tierdesk-provider';
import { tierdeskKeys } from '../../query-keys';
import type { AgentMacro } from '../agent.types';
import { AgentTicketView, type AgentTicketViewProps } from './agent-ticket-view';

// <AgentTicketView/> against the real server (createTierdesk over PGlite on a real socket), driven
// the way an agent would; what landed is read back from the server with another client.

let server: TestServer;
let close: () => Promise<void>;
let lee: TierdeskClient;
let kim: TierdeskClient;
let leeKey: string;
const INBOUND_SECRET = 'inbound-secret-for-view-tests-0123';

beforeAll(async () => {
  ({ server, close } = await openServer({
    inboundEmail: { secret: INBOUND_SECRET, replyDomain: 'reply.acme.test', workspaceId: 'acme' },
  }));
  lee = await server.agentClient('agent-l1');
  kim = await server.agentClient('agent-l2');
  leeKey = await server.apiKeyFor('agent-l1');
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderView(props: AgentTicketViewProps, queryClient = testQueryClient()) {
  return render(
    <TierdeskProvider
      baseUrl={server.baseUrl}
      getToken={() => leeKey}
      identity="agent-l1"
      queryClient={queryClient}
    >
      <AgentTicketView currentAgentId="agent-l1" {...props} />
    </TierdeskProvider>,
  );
}

/** A ticket from `userId`, handed to Tier 1 so tier moves are deterministic. */
async function openTicket(userId: string, subject: string, body = 'It **broke** again.') {
  const ticket = await server
    .userClient(userId, 'acme', { name: 'Ada Lovelace', email: `${userId}@example.com` })
    .createTicket({
      body: { subject, body },
    });
  const current = await lee.getTicket({ params: { ticketId: ticket.id } });
  if (current.ticket.tier === 0) {
    await lee.escalate({ params: { ticketId: ticket.id }, body: { to: 1, reason: 'to frontline' } });
  }
  return ticket;
}

async function serverView(ticketId: string) {
  return lee.getTicket({ params: { ticketId } });
}

async function loaded(subject: string) {
  return screen.findByRole('heading', { level: 2, name: new RegExp(subject) }, { timeout: 5_000 });
}

describe('<AgentTicketView/> over a real server', () => {
  it('downloads a file the server kept from an inbound mail with the agent credentials', async () => {
    const posted = await fetch(`${server.baseUrl}/v1/email/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INBOUND_SECRET}` },
      body: JSON.stringify({
        from: 'Mo <mo@example.com>',
        to: 'support@acme.test',
        subject: 'Screenshot attached',
        text: 'See the log.',
        attachments: [
          { filename: 'app.log', contentType: 'text/plain', contentBase64: btoa('boom at line 3') },
        ],
      }),
    });
    expect(posted.status).toBe(201);
    const { ticketId } = (await posted.json()) as { ticketId: string };
    // jsdom has no object URLs: record the Blob the view hands to the browser's download.
    const saved: Blob[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => {
      saved.push(blob);
      return 'blob:test';
    });
    URL.revokeObjectURL = vi.fn();
    const clicks = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderView({ ticketId });
    await loaded('Screenshot attached');
    await userEvent.click(await screen.findByRole('button', { name: 'Download app.log' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(await saved[0]?.text()).toBe('boom at line 3');
    expect(clicks).toHaveBeenCalledTimes(1);
    expect((clicks.mock.contexts[0] as HTMLAnchorElement).download).toBe('app.log');
  });

  it('shows the thread (public messages and internal notes told apart), the requester history and the customer card', async () => {
    const older = await openTicket('u-thread', 'An older problem');
    const ticket = await openTicket('u-thread', 'Thread view');
    await lee.addNote({ params: { ticketId: ticket.id }, body: { body: 'Customer is on the _beta_.' } });
    const cards: Requester[] = [];
    renderView({
      ticketId: ticket.id,
      renderCustomerCard: (requester) => {
        cards.push(requester);
        return <p>Card for {requester.email}</p>;
      },
    });
    await loaded('Thread view');
    const thread = screen.getByRole('region', { name: 'Conversation' });
    const message = within(thread).getByRole('article', { name: 'Message from Ada Lovelace' });
    expect(message.querySelector('strong')?.textContent).toBe('broke');
    const note = within(thread).getByRole('article', { name: /^Internal note from / });
    expect(within(note).getByText('Internal')).toBeTruthy();
    expect(note.querySelector('em')?.textContent).toBe('beta');
    expect(note.className).not.toBe(message.className);

    const aside = screen.getByRole('complementary', { name: 'Requester' });
    expect(within(aside).getByText('Card for u-thread@example.com')).toBeTruthy();
    expect(cards.at(-1)).toMatchObject({ id: 'u-thread', email: 'u-thread@example.com' });
    const history = await within(aside).findByRole('list', { name: 'Previous tickets' });
    expect(within(history).getByText(/An older problem/)).toBeTruthy();
    expect(within(history).queryByText(/Thread view/)).toBeNull();
    expect(older.id).not.toBe(ticket.id);
  });

  it('sends a public reply and an internal note as the right event kinds', async () => {
    const ticket = await openTicket('u-compose', 'Compose here');
    renderView({ ticketId: ticket.id });
    await loaded('Compose here');
    const user = userEvent.setup();

    // Empty text is refused before anything is sent.
    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    expect(screen.getByText('Write a message first.')).toBeTruthy();

    await user.type(screen.getByRole('textbox', { name: 'Reply to customer' }), 'We are on it.');
    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    await screen.findByRole('article', { name: /^Message from Lee/ }, { timeout: 5_000 });
    expect((screen.getByRole('textbox', { name: 'Reply to customer' }) as HTMLTextAreaElement).value).toBe(
      '',
    );

    await user.click(screen.getByRole('radio', { name: 'Internal note' }));
    await user.type(screen.getByRole('textbox', { name: 'Internal note' }), 'Checked the logs.');
    await user.click(screen.getByRole('button', { name: 'Add note' }));
    await screen.findByRole('article', { name: /^Internal note from Lee/ }, { timeout: 5_000 });
    expect(screen.getByRole('status').textContent).toBe('Note added');

    const { events } = await serverView(ticket.id);
    const written = events.flatMap((e) =>
      e.type === 'message.public' && e.role === 'agent'
        ? [['reply', e.body]]
        : e.type === 'note.internal'
          ? [['note', e.body]]
          : [],
    );
    expect(written).toEqual([
      ['reply', 'We are on it.'],
      ['note', 'Checked the logs.'],
    ]);
    // The note never reaches the requester.
    const mine = await server.userClient('u-compose').getMyTicket({ params: { ticketId: ticket.id } });
    expect(
      mine.events.some((e) => e.type === 'note.internal' || ('body' in e && e.body === 'Checked the logs.')),
    ).toBe(false);
  });

  it('refuses to escalate without a reason, escalates with one, then de-escalates', async () => {
    const ticket = await openTicket('u-tier', 'Needs specialists');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    renderView({ ticketId: ticket.id });
    await loaded('Needs specialists');
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Escalate' }));
    const form = screen.getByRole('form', { name: 'Escalate to a higher tier' });
    expect((within(form).getByRole('combobox', { name: 'Target tier' }) as HTMLSelectElement).value).toBe(
      '2',
    );
    await user.click(within(form).getByRole('button', { name: 'Escalate to Tier 2' }));
    const reason = within(form).getByRole('textbox', { name: 'Reason' });
    expect(reason.getAttribute('aria-invalid')).toBe('true');
    expect(within(form).getByText('Give a reason for the change.')).toBeTruthy();
    expect(document.activeElement).toBe(reason);
    await user.type(reason, 'no');
    await user.click(within(form).getByRole('button', { name: 'Escalate to Tier 2' }));
    expect(within(form).getByText('The reason needs at least 3 characters.')).toBeTruthy();
    const escalations = () =>
      fetchSpy.mock.calls.filter(([input]) =>
        String(input instanceof Request ? input.url : input).endsWith('/escalate'),
      );
    expect(escalations()).toHaveLength(0);
    expect((await serverView(ticket.id)).ticket.tier).toBe(1);

    await user.clear(reason);
    await user.type(reason, 'Database corruption suspected');
    await user.click(within(form).getByRole('button', { name: 'Escalate to Tier 2' }));
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Escalate to a higher tier' })).toBeNull());
    const thread = screen.getByRole('region', { name: 'Conversation' });
    await within(thread).findByText(/Escalated from Tier 1 to Tier 2/, {}, { timeout: 5_000 });
    expect(within(thread).getByText('Reason: Database corruption suspected')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Moved to Tier 2');
    expect((await serverView(ticket.id)).ticket.tier).toBe(2);

    await user.click(screen.getByRole('button', { name: 'De-escalate' }));
    const back = screen.getByRole('form', { name: 'Move to a lower tier' });
    await user.selectOptions(within(back).getByRole('combobox', { name: 'Target tier' }), 'Tier 1');
    await user.type(within(back).getByRole('textbox', { name: 'Reason' }), 'Fixed by a config change');
    await user.click(within(back).getByRole('button', { name: 'De-escalate to Tier 1' }));
    await within(thread).findByText(/De-escalated from Tier 2 to Tier 1/, {}, { timeout: 5_000 });
    expect(within(thread).getByText('Reason: Fixed by a config change')).toBeTruthy();
    const after = await serverView(ticket.id);
    expect(after.ticket.tier).toBe(1);
    expect(
      after.events.filter((e) => e.type === 'tier.changed').map((e) => 'reason' in e && e.reason),
    ).toEqual(expect.arrayContaining(['Database corruption suspected', 'Fixed by a config change']));
  });

  it('asks for the vendor and reference before escalating to L4', async () => {
    const ticket = await openTicket('u-vendor', 'Vendor bug');
    renderView({ ticketId: ticket.id });
    await loaded('Vendor bug');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Escalate' }));
    const form = screen.getByRole('form', { name: 'Escalate to a higher tier' });
    await user.selectOptions(within(form).getByRole('combobox', { name: 'Target tier' }), 'Tier 4');
    await user.type(within(form).getByRole('textbox', { name: 'Reason' }), 'Upstream defect');
    await user.click(within(form).getByRole('button', { name: 'Escalate to Tier 4' }));
    expect(
      within(form).getByText('Moving to Tier 4 needs the vendor and their case reference.'),
    ).toBeTruthy();
    await user.type(within(form).getByRole('textbox', { name: 'Vendor' }), 'Acme DB');
    await user.type(within(form).getByRole('textbox', { name: 'Vendor reference' }), 'CASE-42');
    await user.click(within(form).getByRole('button', { name: 'Escalate to Tier 4' }));
    await screen.findByText('Vendor case: Acme DB CASE-42', {}, { timeout: 5_000 });
    expect((await serverView(ticket.id)).ticket).toMatchObject({
      tier: 4,
      vendor: { vendor: 'Acme DB', reference: 'CASE-42' },
    });
  });

  it('persists status, priority and assignee changes', async () => {
    const ticket = await openTicket('u-fields', 'Field changes');
    renderView({ ticketId: ticket.id });
    await loaded('Field changes');
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Priority' }), 'Urgent');
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Changes saved'));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Pending');
    await screen.findByText('Status changed from New to Pending', {}, { timeout: 5_000 });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Assignee' }), 'Kim (L2)');
    await screen.findByText('Assignee changed from Unassigned to Kim (L2)', {}, { timeout: 5_000 });
    await user.click(screen.getByRole('button', { name: 'Assign to me' }));
    await screen.findByText('Assignee changed from Kim (L2) to Lee (L1)', {}, { timeout: 5_000 });
    expect((await serverView(ticket.id)).ticket).toMatchObject({
      priority: 'urgent',
      status: 'pending',
      assigneeId: 'agent-l1',
    });
    expect(screen.queryByRole('button', { name: 'Assign to me' })).toBeNull();
  });

  it('shows a conflict when another agent changed the ticket first, and shows their change instead', async () => {
    const ticket = await openTicket('u-conflict', 'Two agents');
    renderView({ ticketId: ticket.id });
    await loaded('Two agents');
    // Kim changes the ticket behind Lee's back: Lee's view still shows the old version.
    await kim.updateTicket({ params: { ticketId: ticket.id }, body: { priority: 'high' } });
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Priority' }), 'Low');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'This ticket changed while you were editing. Review the latest version and try again.',
    );
    // The view reloads the current state: Kim's priority, not Lee's.
    await waitFor(() =>
      expect((screen.getByRole('combobox', { name: 'Priority' }) as HTMLSelectElement).value).toBe('high'),
    );
    expect((await serverView(ticket.id)).ticket.priority).toBe('high');

    // A stale reply is refused too, and the draft is kept.
    await kim.updateTicket({ params: { ticketId: ticket.id }, body: { priority: 'urgent' } });
    await user.type(screen.getByRole('textbox', { name: 'Reply to customer' }), 'Late reply');
    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('This ticket changed'));
    expect((screen.getByRole('textbox', { name: 'Reply to customer' }) as HTMLTextAreaElement).value).toBe(
      'Late reply',
    );
    expect(
      (await serverView(ticket.id)).events.some(
        (e) => e.type === 'message.public' && e.body === 'Late reply',
      ),
    ).toBe(false);
  });

  it('refuses a stale escalation too, and keeps drafts per ticket', async () => {
    const ticket = await openTicket('u-stale', 'Stale escalation');
    const other = await openTicket('u-stale', 'Another one');
    const queryClient = testQueryClient();
    const view = renderView({ ticketId: ticket.id }, queryClient);
    await loaded('Stale escalation');
    await kim.updateTicket({ params: { ticketId: ticket.id }, body: { tags: ['seen-by-kim'] } });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Escalate' }));
    await user.type(screen.getByRole('textbox', { name: 'Reason' }), 'Needs L2 now');
    await user.click(screen.getByRole('button', { name: 'Escalate to Tier 2' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('This ticket changed'));
    expect((await serverView(ticket.id)).ticket.tier).toBe(1);

    await user.type(screen.getByRole('textbox', { name: 'Reply to customer' }), 'Draft for the first');
    // The other ticket is already cached (as after visiting it), so the view switches without a
    // loading state in between that would drop the composer anyway.
    queryClient.setQueryData(
      tierdeskKeys.tickets.ticket('agent-l1', other.id),
      await lee.getTicket({ params: { ticketId: other.id } }),
    );
    view.rerender(
      <TierdeskProvider
        baseUrl={server.baseUrl}
        getToken={() => leeKey}
        identity="agent-l1"
        queryClient={queryClient}
      >
        <AgentTicketView currentAgentId="agent-l1" ticketId={other.id} />
      </TierdeskProvider>,
    );
    await loaded('Another one');
    expect((screen.getByRole('textbox', { name: 'Reply to customer' }) as HTMLTextAreaElement).value).toBe(
      '',
    );
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('applies a macro: fills the composer and stages status and priority, sent with the reply', async () => {
    const ticket = await openTicket('u-macro', 'Macro use');
    const macros: AgentMacro[] = [
      {
        id: 'm-wait',
        title: 'Ask for logs',
        body: 'Could you send us the **logs**?',
        updates: { status: 'pending', priority: 'high' },
      },
      { id: 'm-thanks', title: 'Thanks', body: 'Thanks!' },
    ];
    renderView({ ticketId: ticket.id, macros });
    await loaded('Macro use');
    const user = userEvent.setup();
    const apply = screen.getByRole('button', { name: 'Apply macro' }) as HTMLButtonElement;
    expect(apply.disabled).toBe(true);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Macros' }), 'Ask for logs');
    await user.click(apply);
    const box = screen.getByRole('textbox', { name: 'Reply to customer' }) as HTMLTextAreaElement;
    expect(box.value).toBe('Could you send us the **logs**?');
    expect(screen.getByRole('status').textContent).toBe('Macro “Ask for logs” applied');
    const staged = screen.getByRole('list', { name: 'Also applies' });
    expect(
      within(staged)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Status: Pending×', 'Priority: High×']);

    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(box.value).toBe(''), { timeout: 5_000 });
    const after = await serverView(ticket.id);
    expect(after.ticket).toMatchObject({ status: 'pending', priority: 'high' });
    expect(
      after.events.some((e) => e.type === 'message.public' && e.body === 'Could you send us the **logs**?'),
    ).toBe(true);
    expect(screen.queryByRole('list', { name: 'Also applies' })).toBeNull();
  });

  it('lets a staged update be removed before sending', async () => {
    const ticket = await openTicket('u-unstage', 'Unstage');
    renderView({
      ticketId: ticket.id,
      macros: [{ id: 'm', title: 'Escalate politely', updates: { priority: 'urgent' } }],
    });
    await loaded('Unstage');
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Macros' }), 'Escalate politely');
    await user.click(screen.getByRole('button', { name: 'Apply macro' }));
    await user.click(screen.getByRole('button', { name: 'Remove “Priority: Urgent”' }));
    await user.type(screen.getByRole('textbox', { name: 'Reply to customer' }), 'Hello');
    await user.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Reply sent'), {
      timeout: 5_000,
    });
    expect((await serverView(ticket.id)).ticket.priority).toBe('normal');
  });

  it('shows the loading state, then an error for a ticket that cannot be loaded', async () => {
    renderView({ ticketId: 'no-such-ticket' });
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The ticket could not be loaded.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('updates the thread live from the stream and announces the customer’s message', async () => {
    const ticket = await openTicket('u-live', 'Live thread');
    renderView({ ticketId: ticket.id, live: true });
    await loaded('Live thread');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server
      .userClient('u-live')
      .replyAsUser({ params: { ticketId: ticket.id }, body: { body: 'Any news?' } });
    await screen.findByText('Any news?', {}, { timeout: 5_000 });
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/^New message from /));
  });

  it('shows the diagnostics the widget attached, as text, and no panel without them', async () => {
    const sent = {
      appVersion: '4.2.0 (881)',
      page: 'https://app.example.com/checkout',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156',
      locale: 'de-AT',
      recentErrors: ['TypeError: x is undefined', '<img src=x onerror=alert(1)>'],
    };
    const ticket = await server
      .userClient('u-diag')
      .createTicket({ body: { subject: 'With diagnostics', body: 'Checkout spins.', diagnostics: sent } });
    renderView({ ticketId: ticket.id });
    await loaded('With diagnostics');
    const panel = await screen.findByRole('region', { name: 'Diagnostics from the widget' });
    const facts = Array.from(panel.querySelectorAll('dt')).map((dt) => [
      dt.textContent,
      dt.nextElementSibling?.textContent,
    ]);
    expect(facts).toEqual([
      ['App version', sent.appVersion],
      ['Page', sent.page],
      ['Browser', sent.userAgent],
      ['Language', sent.locale],
      ['Recent errors', sent.recentErrors.join('')],
    ]);
    // Shown as text: no link out of the agent's admin, no markup from the user's browser.
    expect(panel.querySelector('a, img')).toBeNull();
    cleanup();

    const plain = await openTicket('u-nodiag', 'No diagnostics');
    renderView({ ticketId: plain.id });
    await loaded('No diagnostics');
    expect(screen.queryByRole('region', { name: 'Diagnostics from the widget' })).toBeNull();
  });
});
