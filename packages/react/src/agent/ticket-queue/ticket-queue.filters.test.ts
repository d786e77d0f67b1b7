import { describe, expect, it } from 'vitest';
import { controlsOf, filtersOf, UNSOLVED_STATUSES } from './ticket-queue.filters';

describe('queue filter controls', () => {
  it('round-trips the filters the controls can express', () => {
    for (const filters of [
      {},
      { status: [...UNSOLVED_STATUSES] },
      { status: ['pending' as const], tier: [2 as const], assignee: 'me', sla: 'warning' as const, q: 'vpn' },
      { assignee: 'none', sla: 'breached' as const },
    ]) {
      expect(filtersOf(controlsOf(filters))).toEqual(filters);
    }
  });

  it('reads the unsolved set in any order, keeps limit and metric, and drops blank search text', () => {
    expect(controlsOf({ status: ['on_hold', 'new', 'pending', 'open'] }).status).toBe('unsolved');
    // A set one select cannot show is kept as the host gave it.
    const custom = { status: ['open' as const, 'solved' as const], tier: [2 as const, 3 as const] };
    expect(controlsOf(custom)).toMatchObject({ status: 'custom', tier: 'custom' });
    expect(filtersOf(controlsOf(custom), custom)).toEqual(custom);
    const controls = { status: 'all', tier: '', assignee: '', sla: '', q: '   ' };
    expect(filtersOf(controls, { limit: 10, metric: 'resolution' })).toEqual({
      limit: 10,
      metric: 'resolution',
    });
    expect(filtersOf({ ...controls, status: 'bogus', sla: 'bogus' })).toEqual({});
  });
});
