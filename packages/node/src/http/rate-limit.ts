import { type Clock, systemClock } from '../clock';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** The bucket size: how many requests a key may burst. */
  capacity: number;
  /** Tokens added back per second (the sustained rate). */
  refillPerSecond: number;
  /**
   * How many keys are remembered (default 100 000). Beyond it the least recently used key is forgotten,
   * which gives it a full bucket again: memory stays bounded under a flood of distinct keys, at the price
   * of occasionally forgiving a quiet key.
   */
  maxKeys?: number | undefined;
  /** Where time is taken from (default: the wall clock). */
  clock?: Clock | undefined;
}

/** The outcome of one {@link RateLimiter.take}. */
export interface RateLimitDecision {
  /** Whether the request may proceed (its cost was taken). */
  allowed: boolean;
  /** Whole tokens left in the bucket after this decision. */
  remaining: number;
  /** When refused: seconds until the cost is available again (an integer ≥ 1, for `Retry-After`); 0 when allowed. */
  retryAfterSeconds: number;
}

/** A token-bucket rate limiter keyed by caller (see {@link createRateLimiter}). */
export interface RateLimiter {
  /** Takes `cost` tokens (default 1) from the key's bucket if it holds that many. */
  take(key: string, cost?: number): RateLimitDecision;
  /** Forgets a key (its next request starts with a full bucket). */
  reset(key: string): void;
  /** How many keys are currently remembered. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

/**
 * Creates a token-bucket rate limiter: each key holds up to `capacity` tokens, refilled continuously
 * at `refillPerSecond`; a request costs tokens and is refused when the bucket holds too few.
 *
 * State lives in memory, per server instance: with N instances behind a load balancer a caller gets up
 * to N times the limit. That is accepted on purpose — the limiter protects each instance from floods,
 * it is not a quota; exact global quotas would need a shared store on every request.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const capacity = positive('capacity', options.capacity);
  const refillPerMs = positive('refillPerSecond', options.refillPerSecond) / 1000;
  const maxKeys = Math.floor(positive('maxKeys', options.maxKeys ?? 100_000));
  const clock = options.clock ?? systemClock;
  // A Map iterates in insertion order; re-inserting a key on every use makes the first key the least
  // recently used one, which is what gets evicted.
  const buckets = new Map<string, Bucket>();

  function take(key: string, cost = 1): RateLimitDecision {
    if (!Number.isFinite(cost) || cost < 0) throw new RangeError('cost must be a non-negative number');
    if (cost > capacity) throw new RangeError(`cost ${cost} exceeds the bucket capacity ${capacity}`);
    const now = clock.now();
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: capacity, updatedAtMs: now };
      while (buckets.size >= maxKeys) {
        const oldest = buckets.keys().next().value as string;
        buckets.delete(oldest);
      }
    } else {
      buckets.delete(key);
      // A clock that steps backwards (NTP) must not drain or overfill the bucket.
      const elapsedMs = Math.max(0, now - bucket.updatedAtMs);
      // Rounded to a nano-token so float error cannot leave a bucket at 0.9999999 when 1 is due.
      bucket.tokens = Math.min(capacity, Math.round((bucket.tokens + elapsedMs * refillPerMs) * 1e9) / 1e9);
      bucket.updatedAtMs = Math.max(bucket.updatedAtMs, now);
    }
    buckets.set(key, bucket);

    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const waitMs = (cost - bucket.tokens) / refillPerMs;
    return {
      allowed: false,
      remaining: Math.floor(bucket.tokens),
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    };
  }

  return {
    take,
    reset: (key) => {
      buckets.delete(key);
    },
    get size() {
      return buckets.size;
    },
  };
}
