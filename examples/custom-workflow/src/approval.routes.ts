import { ERROR_STATUS, type ErrorCode, type ErrorIssue, toErrorIssues } from '@tierdesk/core';
import { type AuthenticateAgentHook, isApiError, type Logger, type TicketService } from '@tierdesk/node';
import * as z from 'zod';
import { APPROVAL_ROUTES, type ApprovalRouteName } from './approval.contract';
import type { RefundWorkflowEvent } from './refund.workflow';

/** The body of a request for approval: why the refund is due (the amount is the ticket's `refundAmount`). */
export const ApprovalRequestBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });
/** The body of an approval: an optional note. */
export const ApprovalGrantBodySchema = z.strictObject({
  reason: z.string().trim().min(1).max(500).optional(),
});
/** The body of a rejection: why. */
export const ApprovalRejectBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });

const BODY_SCHEMAS: Record<ApprovalRouteName, z.ZodType<{ reason?: string | undefined }>> = {
  request: ApprovalRequestBodySchema,
  grant: ApprovalGrantBodySchema,
  reject: ApprovalRejectBodySchema,
};

/** Options of {@link approvalRoutes}. */
export interface ApprovalRoutesOptions {
  /** The server's ticket service, typed with the team's events. */
  tickets: TicketService<RefundWorkflowEvent>;
  /** The host's own agent authentication: the same hook the Tierdesk server is given. */
  authenticateAgent: AuthenticateAgentHook;
  /** Agent ids allowed to grant or reject (the workflow's guard checks it again). */
  managers: readonly string[];
  logger: Logger;
  /** Largest accepted body. Default 16 KiB. */
  maxBodyBytes?: number;
}

const PATH = /^\/v1\/agent\/tickets\/([A-Za-z0-9_-]{1,64})(\/approval(?:\/grant|\/reject)?)$/;

/**
 * The host's HTTP routes for the workflow's own events. Tierdesk's contract serves the core events
 * only; a team's events reach tickets through the server's ticket service (`tickets.dispatch`), which
 * runs the same stateless, versioned step as every core route. Answers `null` for any other path, so
 * the caller falls through to `tierdesk.fetch`. Errors have the API's shape and codes: 400
 * `validation_failed`, 401, 403 `forbidden` (not a manager), 404, 409 `transition_rejected` (the
 * workflow does not allow it now), 412 `precondition_failed` (stale `If-Match`), 413, 415.
 */
export function approvalRoutes(
  options: ApprovalRoutesOptions,
): (request: Request) => Promise<Response | null> {
  const managers = new Set(options.managers);
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;
  const names = Object.keys(APPROVAL_ROUTES) as ApprovalRouteName[];

  return async (request) => {
    const match = PATH.exec(new URL(request.url).pathname);
    const name = match && names.find((n) => APPROVAL_ROUTES[n].suffix === match[2]);
    if (!match || !name) return null;
    const route = APPROVAL_ROUTES[name];
    const ticketId = match[1] as string;
    try {
      if (request.method !== 'POST') {
        throw new RouteError('method_not_allowed', 'Use POST.', { allow: 'POST' });
      }
      const agent = await options.authenticateAgent(request);
      if (agent === null) throw new RouteError('unauthorized', 'Sign in as an agent.');
      if (route.managersOnly && !managers.has(agent.agentId)) {
        throw new RouteError('forbidden', 'Only a manager may decide on a refund.');
      }
      const expectedVersion = parseIfMatch(request.headers.get('if-match'));
      const body = BODY_SCHEMAS[name].safeParse(await readJson(request, maxBodyBytes));
      if (!body.success) {
        const issues = toErrorIssues(body.error.issues);
        const at = issues[0]?.path.length ? ` (at body.${issues[0].path.join('.')})` : '';
        throw new RouteError('validation_failed', `Invalid body${at}`, {}, issues);
      }
      const ticket = await options.tickets.dispatch(
        { workspaceId: agent.workspaceId, ticketId },
        {
          type: route.event,
          ...body.data,
          actor: {
            type: 'agent',
            id: agent.agentId,
            ...(agent.name === undefined ? {} : { name: agent.name }),
          },
        } as Parameters<typeof options.tickets.dispatch>[1],
        { expectedVersion },
      );
      return json(200, ticket, { etag: `"${ticket.version}"` });
    } catch (error) {
      if (error instanceof RouteError) return json(error.status, error.body(), error.headers);
      if (isApiError(error)) return json(error.status, error.toBody(), error.headers);
      options.logger.error('approval route failed', { error: String(error) });
      return json(500, { error: { code: 'internal', message: 'Something went wrong.' } });
    }
  };
}

/** An error answer of these routes, with the API's code and status. */
class RouteError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  body() {
    return {
      error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) },
    };
  }
}

function parseIfMatch(header: string | null): number | undefined {
  if (header === null) return undefined;
  const m = /^(?:W\/)?"(\d{1,15})"$/.exec(header.trim());
  if (!m) throw new RouteError('validation_failed', 'If-Match must be a ticket version such as "3".');
  return Number(m[1]);
}

async function readJson(request: Request, maxBodyBytes: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new RouteError('unsupported_media_type', 'Send the body as application/json.');
  }
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBodyBytes)
    throw new RouteError('payload_too_large', `The body is over ${maxBodyBytes} bytes.`);
  const bytes = await readCapped(request, maxBodyBytes);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new RouteError('validation_failed', 'The body is not valid JSON.');
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

// Reads the body but stops at the cap, so a chunked body without Content-Length cannot fill memory.
async function readCapped(request: Request, maxBodyBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body === null) return new Uint8Array();
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel();
      throw new RouteError('payload_too_large', `The body is over ${maxBodyBytes} bytes.`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
