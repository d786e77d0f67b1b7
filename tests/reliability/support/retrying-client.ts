import { setTimeout as sleep } from 'node:timers/promises';

/** What one logical request ended with, after all its retries. */
export interface RetriedAnswer {
  status: number;
  /** The raw body text of the final answer. */
  body: string;
  /** Whether the final answer was a replay (`Idempotency-Replayed: true`). */
  replayed: boolean;
  /** Attempts made, the last one included. */
  attempts: number;
}

/** Counts of what the retried attempts met on the way: statuses, network errors, Retry-After headers. */
export class AttemptLog {
  readonly statuses = new Map<number, number>();
  networkErrors = 0;
  /** 503 answers that carried a Retry-After header / that did not. */
  unavailableWithRetryAfter = 0;
  unavailableWithoutRetryAfter = 0;

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  summary(): string {
    const statuses = [...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    return `statuses ${statuses}; network errors ${this.networkErrors}`;
  }
}

/** Statuses after which the same request is sent again (the server or the database was away). */
const RETRIED = new Set([500, 502, 503, 504]);

/**
 * Sends one request until it gets an answer that is not a transient failure: network errors (the
 * server was killed or is restarting) and 5xx are retried with a small jittered back-off, as a
 * client with an `Idempotency-Key` may. `baseUrl` is read on every attempt (a restarted server).
 */
export async function sendWithRetries(
  baseUrl: () => string,
  path: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  log: AttemptLog,
  { deadlineMs = 120_000, timeoutMs = 20_000 }: { deadlineMs?: number; timeoutMs?: number } = {},
): Promise<RetriedAnswer> {
  const giveUpAt = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${baseUrl()}${path}`, {
        ...init,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.text();
      log.statuses.set(response.status, log.count(response.status) + 1);
      if (response.status === 503) {
        if (response.headers.get('retry-after') !== null) log.unavailableWithRetryAfter += 1;
        else log.unavailableWithoutRetryAfter += 1;
      }
      if (!RETRIED.has(response.status) || Date.now() > giveUpAt) {
        return {
          status: response.status,
          body,
          replayed: response.headers.get('idempotency-replayed') === 'true',
          attempts: attempt,
        };
      }
    } catch (error) {
      log.networkErrors += 1;
      if (Date.now() > giveUpAt) throw error;
    }
    await sleep(Math.min(1_000, 50 * 2 ** Math.min(attempt, 4)) * (0.5 + Math.random()));
  }
}
