import { describe, expect, it } from 'vitest';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE, nextRetryDelay, validateRetrySchedule } from './webhook.retry';

const HOUR = 3_600_000;

describe('retry schedule', () => {
  it('gives up after about three days, jitter included', () => {
    const total = (random: () => number): number => {
      let sum = 0;
      for (let attempt = 1; ; attempt++) {
        const delay = nextRetryDelay(attempt, DEFAULT_WEBHOOK_RETRY_SCHEDULE, random);
        if (delay === undefined) return sum;
        sum += delay;
      }
    };
    expect(total(() => 0) / HOUR).toBeCloseTo(67.59, 1);
    expect(total(() => 0.999_999) / HOUR).toBeLessThan(74.5);
    expect(DEFAULT_WEBHOOK_RETRY_SCHEDULE).toHaveLength(11);
  });

  it('backs off without ever shrinking, with 0–10 % jitter', () => {
    let previous = 0;
    for (let attempt = 1; attempt <= DEFAULT_WEBHOOK_RETRY_SCHEDULE.length; attempt++) {
      const base = DEFAULT_WEBHOOK_RETRY_SCHEDULE[attempt - 1] as number;
      expect(base).toBeGreaterThanOrEqual(previous);
      previous = base;
      for (let i = 0; i < 20; i++) {
        const delay = nextRetryDelay(attempt, DEFAULT_WEBHOOK_RETRY_SCHEDULE) as number;
        expect(delay).toBeGreaterThanOrEqual(base);
        expect(delay).toBeLessThanOrEqual(Math.round(base * 1.1));
      }
    }
    expect(
      nextRetryDelay(DEFAULT_WEBHOOK_RETRY_SCHEDULE.length + 1, DEFAULT_WEBHOOK_RETRY_SCHEDULE),
    ).toBeUndefined();
  });

  it('refuses negative or non-finite waits with a typed error', () => {
    for (const schedule of [[-1], [Number.NaN], [Number.POSITIVE_INFINITY]]) {
      expect(() => validateRetrySchedule(schedule)).toThrow(
        expect.objectContaining({ code: 'invalid_options' }),
      );
    }
    expect(validateRetrySchedule([0, 5])).toEqual([0, 5]);
  });
});
