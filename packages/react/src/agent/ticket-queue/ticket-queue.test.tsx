// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Ticket, TierdeskClient } from '@tierdesk/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestServer } from '../../../../node/tests/support/server';
import { openServer, testQueryClient } from '../../hooks/hooks.test-support';
import type { QueueFilters } from '../../hooks/hooks.types';
import { ar } from '../../i18n/messages/ar';
import { TierdeskI18nProvider } from '../../i18n/tierdesk-i18n-provider';
import { TierdeskProvider } from '../../provider/tierdesk-provider';
import { TicketQueue, type TicketQueueProps } from './ticket-queue';

// <TicketQueue/> against the real server (createTierdesk over PGlite on a real socket). Tickets of
// every test share one database, so each test searches for its own marker word.

let server: TestServer;
let close: () => Promise<void>;
let lee: TierdeskClient;
let leeKey: string;

beforeAll(async () => {
  ({ server, close } = await openServer());
  lee = await server.agentClient('agent-l1');
  leeKey = await server.apiKeyFor('agent-l1');
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderQueue(props: Partial<TicketQueueProps> & { token?: string } = {}) {
  const { token = leeKey, ...rest } = props;
  const onSelect = vi.fn<(id: string) => void>();
  const view = render(
    <TierdeskProvider
      baseUrl={server.baseUrl}
      getToken={() => token}
      identity="agent-l1"
      queryClient={testQueryClient()}
    >
      <TicketQueue onSelect={onSelect} searchDebounceMs={0} {...rest} />
    </TierdeskProvider>,
  );
  return { ...view, onSelect };
}

async function open(userId: string, subject: string, priority: Ticket['priority'] = 'normal') {
  return server.userClient(userId, 'acme', { name: `Name of ${userId}` }).createTicket({
    body: { subject, body: 'Help.', priority },
  });
}

/** The subjects in the table's rows, top to bottom. */
function rowSubjects(): string[] {
  return Array.from(document.querySelectorAll('.td-queue-subject')).map((el) => el.textContent ?? '');
}

/** The query strings of every queue request made through `fetch` so far. */
function queueRequests(spy: { mock: { calls: unknown[][] } }): URLSearchParams[] {
  return spy.mock.calls
    .map(([input]) => new URL(input instanceof Request ? input.url : String(input)))
    .filter((url) => url.pathname === '/v1/agent/tickets')
    .map((url) => url.searchParams);
}

describe('<TicketQueue/> over a real server', () => {
  it('lists tickets with requester, tier, priority, status, assignee and a live SLA countdown', async () => {
    const ticket = await open('u-rows', 'rowsmarker printer jam', 'urgent');
    // A fixed tier (new tickets may move from Tier 0 to 1 on their own when no article matches).
    await lee.escalate({ params: { ticketId: ticket.id }, body: { to: 3, reason: 'expert needed' } });
    const { onSelect } = renderQueue({ defaultFilters: { q: 'rowsmarker' } });
    expect(screen.getByText('Loading…')).toBeTruthy();
    const table = await screen.findByRole('table', { name: 'Queue' });
    const row = within(table).getByRole('row', { name: /rowsmarker printer jam/ });
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cells.slice(0, 5)).toEqual(['Name of u-rows', 'Tier 3', 'Urgent', 'New', 'Unassigned']);
    expect(cells[5]).toMatch(/First response.*Reply due in/);
    expect(within(row).getByText(`#${ticket.number}`)).toBeTruthy();
    expect(screen.getByText('1 ticket').getAttribute('role')).toBe('status');

    // Opened by click or keyboard.
    const user = userEvent.setup();
    const openButton = within(row).getByRole('button', { name: /rowsmarker printer jam/ });
    await user.click(openButton);
    openButton.focus();
    await user.keyboard('{Enter}');
    expect(onSelect.mock.calls).toEqual([[ticket.id], [ticket.id]]);
  });

  it('marks the selected ticket as current', async () => {
    const ticket = await open('u-current', 'currentmarker one');
    await open('u-current', 'currentmarker two');
    renderQueue({ defaultFilters: { q: 'currentmarker' }, selectedTicketId: ticket.id });
    const current = await screen.findByRole('button', { current: true });
    expect(current.textContent).toContain('currentmarker one');
    expect(
      screen.getAllByRole('button', { current: false }).some((b) => b.textContent?.includes('two')),
    ).toBe(true);
  });

  it('filters by tier, assignee (me / unassigned), status and SLA state: each changes the request and the list', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const base = await open('u-filter', 'filtmarker base');
    const escalated = await open('u-filter', 'filtmarker escalated');
    const mine = await open('u-filter', 'filtmarker mine');
    const waiting = await open('u-filter', 'filtmarker waiting');
    await lee.escalate({ params: { ticketId: escalated.id }, body: { to: 2, reason: 'needs a specialist' } });
    await lee.updateTicket({
      params: { ticketId: mine.id },
      body: { assigneeId: 'agent-l1', status: 'open' },
    });
    await lee.updateTicket({ params: { ticketId: waiting.id }, body: { status: 'pending' } });
    const changes: QueueFilters[] = [];
    renderQueue({ defaultFilters: { q: 'filtmarker' }, onFiltersChange: (f) => changes.push(f) });
    const user = userEvent.setup();
    await waitFor(() => expect(rowSubjects()).toHaveLength(4));
    expect(rowSubjects().sort()).toEqual([
      'filtmarker base',
      'filtmarker escalated',
      'filtmarker mine',
      'filtmarker waiting',
    ]);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Tier' }), 'Tier 2');
    await waitFor(() => expect(rowSubjects()).toEqual(['filtmarker escalated']));
    expect(queueRequests(fetchSpy).at(-1)?.getAll('tier')).toEqual(['2']);
    expect(changes.at(-1)).toEqual({ q: 'filtmarker', tier: [2] });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Tier' }), 'All');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Assignee' }), 'Assigned to me');
    await waitFor(() => expect(rowSubjects()).toEqual(['filtmarker mine']));
    expect(queueRequests(fetchSpy).at(-1)?.get('assignee')).toBe('me');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Assignee' }), 'Unassigned');
    await waitFor(() => expect(rowSubjects()).toHaveLength(3));
    expect(rowSubjects()).not.toContain('filtmarker mine');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Assignee' }), 'All');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Pending');
    await waitFor(() => expect(rowSubjects()).toEqual(['filtmarker waiting']));
    expect(queueRequests(fetchSpy).at(-1)?.getAll('status')).toEqual(['pending']);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'All');

    // The pending ticket's clocks pause (the test policy pauses on pending).
    await user.selectOptions(screen.getByRole('combobox', { name: 'SLA state' }), 'Paused');
    await waitFor(() => expect(rowSubjects()).toEqual(['filtmarker waiting']));
    expect(queueRequests(fetchSpy).at(-1)?.get('sla')).toBe('paused');
    expect(document.querySelector('.td-sla')?.getAttribute('data-state')).toBe('paused');

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(rowSubjects()).toHaveLength(4));
    expect(base.id).toBeTruthy();
  });

  it('keeps a host’s status set that one select cannot express, shown as its own option', async () => {
    await open('u-custom', 'custommarker new');
    const solved = await open('u-custom', 'custommarker solved');
    const pending = await open('u-custom', 'custommarker pending');
    await lee.updateTicket({ params: { ticketId: solved.id }, body: { status: 'solved' } });
    await lee.updateTicket({ params: { ticketId: pending.id }, body: { status: 'pending' } });
    renderQueue({ defaultFilters: { q: 'custommarker', status: ['new', 'solved'] } });
    await waitFor(() => expect(rowSubjects().sort()).toEqual(['custommarker new', 'custommarker solved']));
    const status = screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement;
    expect(status.selectedOptions[0]?.textContent).toBe('New, Solved');
  });

  it('searches as the agent types and shows the empty state when nothing matches', async () => {
    await open('u-search', 'searchmarker alpha');
    renderQueue({ defaultFilters: { q: 'searchmarker' } });
    await waitFor(() => expect(rowSubjects()).toEqual(['searchmarker alpha']));
    const user = userEvent.setup();
    const box = screen.getByRole('searchbox', { name: 'Search tickets' });
    await user.clear(box);
    await user.type(box, 'searchmarker-nothing');
    expect(await screen.findByText('No tickets match these filters.')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('pages with "Load more" until the last page', async () => {
    for (let i = 1; i <= 5; i++) await open('u-pages', `pagemarker ${i}`);
    renderQueue({ defaultFilters: { q: 'pagemarker' }, pageSize: 2 });
    await waitFor(() => expect(rowSubjects()).toEqual(['pagemarker 5', 'pagemarker 4']));
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(rowSubjects()).toHaveLength(4));
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(rowSubjects()).toHaveLength(5));
    expect(rowSubjects()).toEqual([
      'pagemarker 5',
      'pagemarker 4',
      'pagemarker 3',
      'pagemarker 2',
      'pagemarker 1',
    ]);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(screen.getByText('5 tickets').getAttribute('role')).toBe('status');
  });

  it('shows an error with a retry when the queue cannot be loaded', async () => {
    renderQueue({ token: 'not-a-key' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The queue could not be loaded.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('speaks the translator’s language and direction (Arabic, right to left)', async () => {
    await open('u-arabic', 'arabicmarker printer');
    render(
      <TierdeskProvider
        baseUrl={server.baseUrl}
        getToken={() => leeKey}
        identity="agent-l1"
        queryClient={testQueryClient()}
      >
        <TierdeskI18nProvider locale="ar" messages={ar}>
          <TicketQueue onSelect={() => {}} defaultFilters={{ q: 'arabicmarker' }} searchDebounceMs={0} />
        </TierdeskI18nProvider>
      </TierdeskProvider>,
    );
    const table = await screen.findByRole('table', { name: 'قائمة الانتظار' }, { timeout: 5_000 });
    expect(table.closest('section')?.getAttribute('dir')).toBe('rtl');
    expect(within(table).getByRole('columnheader', { name: 'الموضوع' })).toBeTruthy();
    expect(within(table).getByRole('cell', { name: 'جديدة' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'الحالة' })).toBeTruthy();
  });

  it('updates live from the agent stream: a new ticket appears without a reload', async () => {
    await open('u-live', 'livemarker first');
    renderQueue({ defaultFilters: { q: 'livemarker' }, live: true });
    await waitFor(() => expect(rowSubjects()).toEqual(['livemarker first']));
    // Let the stream connect before the change it should carry.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await open('u-live', 'livemarker second');
    await waitFor(() => expect(rowSubjects()).toEqual(['livemarker second', 'livemarker first']), {
      timeout: 5_000,
    });
  });
});
