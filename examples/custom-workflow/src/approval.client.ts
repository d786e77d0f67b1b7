import {
  ErrorBodySchema,
  type Ticket,
  TicketSchema,
  TierdeskApiError,
  TierdeskResponseError,
} from '@tierdesk/core';
import { APPROVAL_ROUTES } from './approval.contract';

/** Options of {@link createApprovalClient}: the same as the core client's. */
export interface ApprovalClientOptions {
  baseUrl: string;
  /** The agent's credential, sent as a Bearer token. */
  getToken: () => string | Promise<string>;
}

/** One approval call: the ticket, the reason, and the version last seen (sent as `If-Match`). */
export interface ApprovalCall {
  ticketId: string;
  reason?: string;
  ifMatch?: number;
}

/** The team's approval routes from the agent's side; each returns the ticket after the step. */
export interface ApprovalClient {
  request(call: ApprovalCall & { reason: string }): Promise<Ticket>;
  grant(call: ApprovalCall): Promise<Ticket>;
  reject(call: ApprovalCall & { reason: string }): Promise<Ticket>;
}

/**
 * A small typed client for the approval routes, to use beside `createClient` from `@tierdesk/core`
 * (which covers the core contract). Errors are the core client's: `TierdeskApiError` with the
 * server's `code`, `status` and `issues`; an answer that is not a ticket is a `TierdeskResponseError`.
 */
export function createApprovalClient(options: ApprovalClientOptions): ApprovalClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const call = async (route: keyof typeof APPROVAL_ROUTES, { ticketId, ifMatch, ...body }: ApprovalCall) => {
    const name = `approval.${route}`;
    const response = await fetch(
      `${base}/v1/agent/tickets/${encodeURIComponent(ticketId)}${APPROVAL_ROUTES[route].suffix}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await options.getToken()}`,
          'content-type': 'application/json',
          ...(ifMatch === undefined ? {} : { 'if-match': `"${ifMatch}"` }),
        },
        body: JSON.stringify(body),
      },
    );
    const data: unknown = await response.json().catch(() => undefined);
    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (!response.ok) {
      const error = ErrorBodySchema.safeParse(data);
      const detail = error.success ? error.data.error : undefined;
      throw new TierdeskApiError(detail?.code ?? 'internal', detail?.message ?? `HTTP ${response.status}`, {
        route: name,
        status: response.status,
        ...(detail?.issues ? { issues: detail.issues } : {}),
        ...(requestId ? { requestId } : {}),
      });
    }
    const ticket = TicketSchema.safeParse(data);
    if (!ticket.success) {
      throw new TierdeskResponseError(`${name} answered with a body that is not a ticket`, {
        route: name,
        status: response.status,
      });
    }
    return ticket.data;
  };
  return {
    request: (c) => call('request', c),
    grant: (c) => call('grant', c),
    reject: (c) => call('reject', c),
  };
}
