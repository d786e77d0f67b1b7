import type { CreateTicketInput } from '@tierdesk/core';

/** The diagnostics a new ticket may carry (shown to agents beside the ticket). */
export type WidgetDiagnostics = NonNullable<CreateTicketInput['diagnostics']>;

/**
 * Opt-in diagnostics for new tickets. Nothing is collected unless the host passes this: the page
 * address (origin and path only — query strings and fragments often hold tokens), the browser's user
 * agent, the host's app version and the errors the host reported.
 */
export interface WidgetDiagnosticsOptions {
  /** The host app's version, e.g. `'4.12.0 (build 881)'`. */
  appVersion?: string;
  /** Attach the page's origin and path. Default `true`. */
  page?: boolean;
  /** Attach the browser's user agent. Default `true`. */
  browser?: boolean;
  /** The host's recent errors (`<SupportWidget controller>` passes those given to `reportError`). */
  recentErrors?: () => readonly string[];
}

const LIMITS = { appVersion: 100, page: 2000, userAgent: 500, error: 2000, errors: 20 } as const;

/** Collects the opted-in diagnostics now (called when a ticket is submitted, in the browser). */
export function collectDiagnostics(options: WidgetDiagnosticsOptions): WidgetDiagnostics {
  const out: WidgetDiagnostics = {};
  if (options.appVersion) out.appVersion = options.appVersion.slice(0, LIMITS.appVersion);
  if (options.page !== false && typeof location !== 'undefined') {
    out.page = `${location.origin}${location.pathname}`.slice(0, LIMITS.page);
  }
  if (options.browser !== false && typeof navigator !== 'undefined' && navigator.userAgent) {
    out.userAgent = navigator.userAgent.slice(0, LIMITS.userAgent);
  }
  const errors = options.recentErrors?.() ?? [];
  if (errors.length > 0) {
    out.recentErrors = errors.slice(-LIMITS.errors).map((e) => e.slice(0, LIMITS.error));
  }
  return out;
}
