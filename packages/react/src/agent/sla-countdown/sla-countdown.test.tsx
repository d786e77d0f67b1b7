// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import type { ClockSummary } from '@tierdesk/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isNowTicking, nowListenerCount } from './now-ticker';
import { SlaCountdown } from './sla-countdown';
import { describeClock, pickUrgentClock } from './sla-countdown.logic';

// The countdown display only: no server here, so fake timers drive the shared clock.

const T0 = Date.parse('2026-11-23T10:00:00Z');
const MIN = 60_000;

function clock(overrides: Partial<ClockSummary> = {}): ClockSummary {
  const at = new Date(T0).toISOString();
  return {
    id: 'sla:first_response',
    kind: 'sla',
    metric: 'first_response',
    policyId: 'sla-standard',
    status: 'running',
    run: 1,
    targetMs: 60 * MIN,
    elapsedMs: 0,
    asOf: at,
    startedAt: at,
    warningAt: new Date(T0 + 48 * MIN).toISOString(),
    dueAt: new Date(T0 + 60 * MIN).toISOString(),
    warned: false,
    breached: false,
    metAt: null,
    pausedSince: null,
    ...overrides,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0 + 57 * MIN);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('<SlaCountdown/>', () => {
  it('ticks from the due time: at risk, then overdue', () => {
    render(<SlaCountdown clocks={[clock()]} />);
    const el = document.querySelector('.td-sla') as HTMLElement;
    expect(el.dataset.state).toBe('warning');
    expect(el.textContent).toContain('First response');
    expect(el.textContent).toContain('At risk');
    expect(screen.getByText(/Reply due in 3 min/)).toBeTruthy();
    expect(el.querySelector('time')?.getAttribute('datetime')).toBe(clock().dueAt);

    act(() => vi.advanceTimersByTime(MIN));
    expect(screen.getByText(/Reply due in 2 min/)).toBeTruthy();
    act(() => vi.advanceTimersByTime(5 * MIN));
    expect(el.dataset.state).toBe('overdue');
    expect(el.textContent).toContain('Breached');
    expect(screen.getByText(/Reply overdue by 3 min/)).toBeTruthy();
  });

  it('shows a paused clock as paused with the business time left, and no clock as no SLA', () => {
    render(
      <>
        <SlaCountdown
          clocks={[
            clock({
              status: 'paused',
              dueAt: null,
              warningAt: null,
              elapsedMs: 20 * MIN,
              metric: 'resolution',
            }),
          ]}
        />
        <SlaCountdown clocks={[]} />
      </>,
    );
    const [paused, none] = Array.from(document.querySelectorAll<HTMLElement>('.td-sla'));
    expect(paused?.dataset.state).toBe('paused');
    expect(paused?.textContent).toContain('Paused, 40 min left');
    act(() => vi.advanceTimersByTime(10 * MIN));
    // A paused clock does not count down.
    expect(paused?.textContent).toContain('Paused, 40 min left');
    expect(none?.dataset.state).toBe('none');
    expect(none?.textContent).toBe('No SLA');
  });

  it('shares one interval between every countdown and stops it when the last unmounts', () => {
    const clocks = [clock()];
    const view = render(
      <>
        <SlaCountdown clocks={clocks} />
        <SlaCountdown clocks={clocks} />
        <SlaCountdown clocks={clocks} />
      </>,
    );
    expect(nowListenerCount()).toBe(3);
    expect(isNowTicking()).toBe(true);
    expect(vi.getTimerCount()).toBe(1);
    act(() => vi.advanceTimersByTime(MIN));
    expect(screen.getAllByText(/Reply due in 2 min/)).toHaveLength(3);
    view.unmount();
    expect(isNowTicking()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('pickUrgentClock / describeClock', () => {
  it('prefers a breach, then a warning, then the running clock due first; met clocks last', () => {
    const now = T0 + 10 * MIN;
    const soon = clock({
      id: 'sla:next_response',
      metric: 'next_response',
      dueAt: new Date(T0 + 30 * MIN).toISOString(),
    });
    const later = clock({
      id: 'sla:resolution',
      metric: 'resolution',
      dueAt: new Date(T0 + 300 * MIN).toISOString(),
    });
    const met = clock({ id: 'ola:first_response', kind: 'ola', status: 'met', dueAt: null });
    expect(pickUrgentClock([later, met, soon], now)?.id).toBe('sla:next_response');
    const breached = clock({
      id: 'vendor:resolution',
      kind: 'vendor',
      breached: true,
      dueAt: new Date(T0 + 900 * MIN).toISOString(),
    });
    expect(pickUrgentClock([soon, breached, later], now)?.id).toBe('vendor:resolution');
    expect(pickUrgentClock([met], now)?.id).toBe('ola:first_response');
    expect(pickUrgentClock([], now)).toBeUndefined();
    expect(describeClock(later, now)).toEqual({
      state: 'running',
      remainingMs: 290 * MIN,
      dueKind: 'resolution',
    });
  });
});
