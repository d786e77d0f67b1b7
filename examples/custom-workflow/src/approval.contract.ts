import type { RefundWorkflowEvent } from './refund.workflow';

/** What each approval route sends to the ticket, and whether only managers may call it. */
export interface ApprovalRouteDef {
  /** The path after `/v1/agent/tickets/:ticketId`. */
  suffix: string;
  /** The workflow event the route dispatches. */
  event: RefundWorkflowEvent['type'];
  managersOnly: boolean;
}

/**
 * The team's approval routes under the agent API, shared by the server routes and the client. Each
 * is a `POST` answering the ticket after the step, with its `ETag`, and takes `If-Match`.
 */
export const APPROVAL_ROUTES = {
  /** `POST /v1/agent/tickets/:ticketId/approval` `{ reason }` → `APPROVAL.REQUEST` (any agent). */
  request: { suffix: '/approval', event: 'APPROVAL.REQUEST', managersOnly: false },
  /** `POST /v1/agent/tickets/:ticketId/approval/grant` `{ reason? }` → `APPROVAL.GRANT` (managers). */
  grant: { suffix: '/approval/grant', event: 'APPROVAL.GRANT', managersOnly: true },
  /** `POST /v1/agent/tickets/:ticketId/approval/reject` `{ reason }` → `APPROVAL.REJECT` (managers). */
  reject: { suffix: '/approval/reject', event: 'APPROVAL.REJECT', managersOnly: true },
} as const satisfies Record<string, ApprovalRouteDef>;

/** The name of an approval route. */
export type ApprovalRouteName = keyof typeof APPROVAL_ROUTES;
