import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import { createRateLimiter } from './rate-limit';

/** A clock the test moves by hand. */
function manualClock(startMs = 1_000_000): Clock & { advance(ms: number): void; set(ms: number): void } {
  let now = startMs;
  return {
    now: () => now,
    realDelayUntil: (at) => Math.max(0, at - now),
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

describe('createRateLimiter', () => {
  it('allows a burst up to the capacity, then refuses with Retry-After', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ capacity: 3, refillPerSecond: 1, clock });
    expect(limiter.take('user:a')).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(limiter.take('user:a')).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(limiter.take('user:a')).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(limiter.take('user:a')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    // Refusals cost nothing: still refused, still 1 s.
    expect(limiter.take('user:a')).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('refills continuously at the configured rate, never above capacity', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ capacity: 2, refillPerSecond: 0.5, clock });
    limiter.take('k');
    limiter.take('k');
    expect(limiter.take('k')).toMatchObject({ allowed: false, retryAfterSeconds: 2 });
    clock.advance(1_999);
    expect(limiter.take('k')).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    clock.advance(1);
    expect(limiter.take('k')).toMatchObject({ allowed: true, remaining: 0 });
    clock.advance(3_600_000);
    expect(limiter.take('k')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('keeps keys independent', () => {
    const limiter = createRateLimiter({ capacity: 1, refillPerSecond: 1, clock: manualClock() });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('charges a cost and reports the wait for that cost', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ capacity: 10, refillPerSecond: 2, clock });
    expect(limiter.take('k', 8)).toMatchObject({ allowed: true, remaining: 2 });
    expect(limiter.take('k', 5)).toEqual({ allowed: false, remaining: 2, retryAfterSeconds: 2 });
    expect(limiter.take('k', 0)).toMatchObject({ allowed: true, remaining: 2 });
    expect(() => limiter.take('k', 11)).toThrow(RangeError);
    expect(() => limiter.take('k', -1)).toThrow(RangeError);
    expect(() => limiter.take('k', Number.NaN)).toThrow(RangeError);
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ capacity: 1, refillPerSecond: 100, clock });
    limiter.take('k');
    expect(limiter.take('k')).toMatchObject({ allowed: false, retryAfterSeconds: 1 }); // 10 ms away
    const slow = createRateLimiter({ capacity: 1, refillPerSecond: 1 / 90, clock });
    slow.take('k');
    clock.advance(500);
    expect(slow.take('k')).toMatchObject({ allowed: false, retryAfterSeconds: 90 }); // 89.5 s → 90
  });

  it('survives a clock stepping backwards without draining or overfilling', () => {
    const clock = manualClock(5_000_000);
    const limiter = createRateLimiter({ capacity: 2, refillPerSecond: 1, clock });
    limiter.take('k');
    limiter.take('k');
    clock.set(4_000_000); // NTP correction: an hour back
    expect(limiter.take('k').allowed).toBe(false);
    clock.set(5_001_000); // back to one second after the drain
    expect(limiter.take('k')).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('bounds memory by evicting the least recently used key', () => {
    const clock = manualClock();
    const limiter = createRateLimiter({ capacity: 1, refillPerSecond: 0.001, maxKeys: 3, clock });
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    expect(limiter.take('a').allowed).toBe(false); // touches a: b is now the least recently used
    limiter.take('d');
    expect(limiter.size).toBe(3);
    expect(limiter.take('a').allowed).toBe(false); // a was kept (state remembered)
    expect(limiter.take('c').allowed).toBe(false); // c was kept
    expect(limiter.take('b').allowed).toBe(true); // b was forgotten: a full bucket again
    for (let i = 0; i < 10_000; i++) limiter.take(`flood:${i}`);
    expect(limiter.size).toBe(3);
  });

  it('forgets a key on reset', () => {
    const limiter = createRateLimiter({ capacity: 1, refillPerSecond: 0.001, clock: manualClock() });
    limiter.take('k');
    expect(limiter.take('k').allowed).toBe(false);
    limiter.reset('k');
    expect(limiter.take('k').allowed).toBe(true);
  });

  it('rejects invalid options', () => {
    expect(() => createRateLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ capacity: 1, refillPerSecond: -1 })).toThrow(RangeError);
    expect(() => createRateLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 0 })).toThrow(RangeError);
    expect(() => createRateLimiter({ capacity: Number.POSITIVE_INFINITY, refillPerSecond: 1 })).toThrow(
      RangeError,
    );
  });

  it('never allows more than capacity + rate × elapsed over any schedule (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(
          fc.record({ waitMs: fc.integer({ min: 0, max: 2_000 }), cost: fc.integer({ min: 0, max: 5 }) }),
          {
            maxLength: 200,
          },
        ),
        (capacity, refillPerSecond, steps) => {
          const clock = manualClock(0);
          const limiter = createRateLimiter({ capacity: Math.max(capacity, 5), refillPerSecond, clock });
          let spent = 0;
          let elapsedMs = 0;
          for (const { waitMs, cost } of steps) {
            clock.advance(waitMs);
            elapsedMs += waitMs;
            const decision = limiter.take('k', cost);
            if (decision.allowed) spent += cost;
            else {
              expect(Number.isInteger(decision.retryAfterSeconds)).toBe(true);
              expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
            }
            expect(spent).toBeLessThanOrEqual(
              Math.max(capacity, 5) + (refillPerSecond * elapsedMs) / 1000 + 1e-6,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('grants the request once the advertised Retry-After has passed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0.01, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        (capacity, refillPerSecond, cost) => {
          fc.pre(cost <= capacity);
          const clock = manualClock(0);
          const limiter = createRateLimiter({ capacity, refillPerSecond, clock });
          while (limiter.take('k', cost).allowed) {}
          const refused = limiter.take('k', cost);
          clock.advance(refused.retryAfterSeconds * 1000);
          expect(limiter.take('k', cost).allowed).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
