// @vitest-environment node
import type { ClockSummary } from '@tierdesk/core';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { TierdeskProvider } from '../provider/tierdesk-provider';
import { AgentTicketView, MetricsPanel, SlaCountdown, TicketQueue } from './index';

// The agent components on a server (no window, no document: a read would throw here): they render
// their loading states without fetching, and a countdown renders from its clock's `asOf`, so the
// server's HTML and the first client render agree.

describe('agent components under SSR', () => {
  it('render loading states to HTML without fetching', () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no fetch during SSR')));
    const html = renderToString(
      <TierdeskProvider
        baseUrl="https://help.example.com"
        getToken={() => 'key'}
        identity="agent-l1"
        clientOptions={{ fetch: fetchSpy }}
      >
        <TicketQueue onSelect={() => {}} />
        <AgentTicketView ticketId="t-1" />
        <MetricsPanel now={() => 0} />
      </TierdeskProvider>,
    );
    expect(html.match(/Loading…/g)).toHaveLength(3);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('renders a countdown from the clock’s asOf, deterministically', () => {
    const clock: ClockSummary = {
      id: 'sla:resolution',
      kind: 'sla',
      metric: 'resolution',
      policyId: 'p',
      status: 'running',
      run: 1,
      targetMs: 3 * 3_600_000,
      elapsedMs: 0,
      asOf: '2026-11-23T10:00:00.000Z',
      startedAt: '2026-11-23T10:00:00.000Z',
      warningAt: null,
      dueAt: '2026-11-23T12:00:00.000Z',
      warned: false,
      breached: false,
      metAt: null,
      pausedSince: null,
    };
    const html = renderToString(<SlaCountdown clocks={[clock]} />);
    expect(html).toContain('Resolution due in 2 hr.');
    expect(renderToString(<SlaCountdown clocks={[clock]} />)).toBe(html);
  });
});
