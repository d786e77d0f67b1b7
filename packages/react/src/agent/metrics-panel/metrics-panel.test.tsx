// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MetricsReport, TierdeskClient } from '@tierdesk/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestServer } from '../../../../node/tests/support/server';
import { openServer, testQueryClient } from '../../hooks/hooks.test-support';
import { createTranslator } from '../../i18n/create-translator';
import { TierdeskProvider } from '../../provider/tierdesk-provider';
import { MetricsPanel, type MetricsPanelProps } from './metrics-panel';

// <MetricsPanel/> against the real server: some support activity first, then the panel must show
// the numbers the server reports for it.

let server: TestServer;
let close: () => Promise<void>;
let lee: TierdeskClient;
let leeKey: string;
const en = createTranslator('en');

beforeAll(async () => {
  ({ server, close } = await openServer());
  lee = await server.agentClient('agent-l1');
  leeKey = await server.apiKeyFor('agent-l1');
  // Activity: three tickets answered, one escalated, two solved, one of them rated.
  for (const [i, user] of ['u-m1', 'u-m2', 'u-m3'].entries()) {
    const customer = server.userClient(user);
    const ticket = await customer.createTicket({ body: { subject: `Metrics ${i}`, body: 'Help.' } });
    await lee.replyAsAgent({ params: { ticketId: ticket.id }, body: { body: 'On it.' } });
    if (i === 0)
      await lee.escalate({ params: { ticketId: ticket.id }, body: { to: 2, reason: 'specialist needed' } });
    if (i > 0) {
      await lee.updateTicket({ params: { ticketId: ticket.id }, body: { status: 'solved' } });
      if (i === 1) await customer.submitCsat({ params: { ticketId: ticket.id }, body: { score: 5 } });
    }
  }
}, 60_000);
afterAll(async () => {
  await close?.();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderPanel(props: MetricsPanelProps & { token?: string } = {}) {
  const { token = leeKey, ...rest } = props;
  return render(
    <TierdeskProvider
      baseUrl={server.baseUrl}
      getToken={() => token}
      identity="agent-l1"
      queryClient={testQueryClient()}
    >
      <MetricsPanel {...rest} />
    </TierdeskProvider>,
  );
}

/** The text of a headline figure's value, by its label. */
function figure(label: string): string {
  const term = screen.getByText(label, { selector: 'dt' });
  return term.nextElementSibling?.querySelector('.td-metrics-value')?.textContent ?? '';
}

const pct = (rate: number | null) =>
  rate === null ? '—No data' : en.formatNumber(rate, { style: 'percent', maximumFractionDigits: 1 });

describe('<MetricsPanel/> over a real server', () => {
  it('shows the numbers the server reports for the window', async () => {
    renderPanel();
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    await screen.findByText('First response time (median)', { selector: 'dt' }, { timeout: 5_000 });
    const report: MetricsReport = await lee.metrics({ query: {} });
    // The activity above is in it (so the comparison is not between two empty reports).
    expect(report.firstResponse.count).toBeGreaterThanOrEqual(3);
    const escalation = report.escalations.find((e) => e.to === 2);
    expect(escalation?.count).toBeGreaterThanOrEqual(1);
    expect(report.csat.responses).toBe(1);

    expect(figure('First response time (median)')).toBe(
      en.formatDuration(report.firstResponse.medianMs as number),
    );
    expect(figure('SLA breaches')).toBe(String(report.breaches));
    expect(figure('Customer satisfaction')).toBe(pct(report.csat.score));
    expect(figure('First-contact resolution')).toBe(pct(report.firstContactResolution.rate));
    expect(figure('Reopen rate')).toBe(pct(report.reopens.rate));

    const times = screen.getByRole('table', { name: 'Response and resolution times' });
    const firstRow = within(times).getByRole('row', { name: /^First response/ });
    expect(within(firstRow).getAllByRole('cell').at(-1)?.textContent).toBe(
      String(report.firstResponse.count),
    );

    const escalations = screen.getByRole('table', { name: 'Escalations' });
    // New tickets start at Tier 0 and may have been handed to Tier 1 before the escalation.
    const row = within(escalations).getByRole('row', {
      name: new RegExp(`^Tier ${escalation?.from} Tier 2`),
    });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Tier 2', String(escalation?.count), pct(escalation?.rate ?? null)]);

    const backlog = screen.getByRole('table', { name: 'Backlog' });
    for (const b of report.backlog) {
      expect(
        within(backlog).getByRole('row', { name: new RegExp(`^Tier ${b.tier} ${b.total}`) }),
      ).toBeTruthy();
    }
    const csat = screen.getByRole('region', { name: 'Customer satisfaction' });
    expect(within(csat).getByText('Responses').nextElementSibling?.textContent).toBe('1');
    expect(within(csat).getByText('Average score').nextElementSibling?.textContent).toBe('5');
  });

  it('asks the server for the window the agent picks', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const now = Date.parse('2026-11-23T12:00:00Z');
    renderPanel({ now: () => now });
    await screen.findByText('SLA breaches', { selector: 'dt' }, { timeout: 5_000 });
    const froms = () =>
      fetchSpy.mock.calls
        .map(([input]) => new URL(input instanceof Request ? input.url : String(input)))
        .filter((url) => url.pathname === '/v1/agent/metrics')
        .map((url) => url.searchParams.get('from'));
    expect(froms()).toEqual(['2026-10-24T12:00:00.000Z']);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Period' }), 'Last 7 days');
    await waitFor(() => expect(froms().at(-1)).toBe('2026-11-16T12:00:00.000Z'));
  });

  it('shows an error with a retry when the metrics cannot be loaded', async () => {
    renderPanel({ token: 'wrong' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The metrics could not be loaded.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
