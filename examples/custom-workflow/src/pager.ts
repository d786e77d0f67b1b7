/** One page to the on-call: a ticket reached L3. */
export interface Page {
  /**
   * Stable per page (ticket and timeline position), also across retries: pager services dedupe on
   * it (PagerDuty's `dedup_key`, Opsgenie's `alias`), so a retried delivery never pages twice.
   */
  id: string;
  ticketId: string;
  workspaceId: string;
  subject: string;
  priority: string;
  tier: number;
  /** When the ticket reached L3 (ISO instant). */
  reachedAt: string;
}

/**
 * Delivers pages. Pluggable: an HTTP POST to a pager service by default, PagerDuty's or Opsgenie's
 * API, or a chat bot. A rejected promise counts as a failed attempt and is retried later.
 */
export interface Pager {
  page(page: Page, signal: AbortSignal): Promise<void>;
}

/** A pager that could not deliver, with the status the service answered (when it answered). */
export class PagerError extends Error {
  override name = 'PagerError';
  /** Stable code of this failure. */
  readonly code = 'pager_failed' as const;
  /** The pager service's HTTP status, when it answered. */
  readonly status: number | undefined;

  /** Creates the error. */
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** Options of {@link httpPager}. */
export interface HttpPagerOptions {
  /** The pager service's endpoint. */
  url: string;
  /** Extra headers, e.g. the service's API key. */
  headers?: Record<string, string>;
  /** Give up an attempt after this long (it is retried later). Default 5 000 ms. */
  timeoutMs?: number;
}

/**
 * The default pager: POSTs the page as JSON, with its id as `Idempotency-Key`. Any 2xx is delivered;
 * anything else, a network error or a timeout is a failed attempt.
 */
export function httpPager(options: HttpPagerOptions): Pager {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async page(page, signal) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': page.id,
          ...options.headers,
        },
        body: JSON.stringify({
          dedupKey: page.id,
          summary: `L3: ${page.subject}`,
          severity: page.priority === 'urgent' ? 'critical' : 'error',
          page,
        }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new PagerError(`the pager answered ${response.status}`, response.status);
    },
  };
}
