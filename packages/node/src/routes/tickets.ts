import type { Requester, Ticket } from '@tierdesk/core';
import { ApiError } from '../http/api-error';
import type { EndUserIdentity } from '../identity';
import { createId } from '../ids';
import { renderMarkdown } from '../markdown/render-cache';
import type { SqlExecutor } from '../store';
import { callerAttachments } from '../tickets/ticket.attachments';
import { readTicket, readTimeline } from '../tickets/ticket.store';
import { toRequesterView } from '../tickets/ticket.view';
import { decodeCursor, encodeCursor, endUser, inTransaction, type RouteImpls } from './route.types';

/** The requester record of an end user, from their identity. */
export function requesterOf(user: EndUserIdentity): Requester {
  return {
    id: user.userId,
    ...(user.name === undefined ? {} : { name: user.name }),
    ...(user.email === undefined ? {} : { email: user.email }),
    ...(user.plan === undefined ? {} : { plan: user.plan }),
    tags: [...(user.tags ?? [])],
  };
}

/** Whether a widget session recorded a self-service step (search, article view, bot answer). */
async function triedSelfService(
  exec: SqlExecutor,
  workspaceId: string,
  sessionId: string | undefined,
): Promise<boolean> {
  if (sessionId === undefined) return false;
  const { rows } = await exec.query(
    `SELECT 1 FROM deflection_events WHERE workspace_id = $1 AND session_id = $2
        AND type IN ('search', 'article.viewed', 'article.voted', 'suggestions.shown', 'suggestion.opened') LIMIT 1`,
    [workspaceId, sessionId],
  );
  return rows.length > 0;
}

/** Reads a ticket owned by the requester, with its public timeline (404 for anyone else's). */
export async function readOwnTicket(
  exec: SqlExecutor,
  user: EndUserIdentity,
  ticketId: string,
): Promise<{ ticket: Ticket; events: Awaited<ReturnType<typeof readTimeline>> }> {
  const stored = await readTicket(exec, user.workspaceId, ticketId);
  if (stored === null || stored.requesterId !== user.userId)
    throw new ApiError('not_found', 'No such ticket.');
  const events = await readTimeline(exec, ticketId, { publicOnly: true });
  return { ticket: toRequesterView(stored.data), events };
}

/** The end-user ticket routes. */
export const ticketRoutes: RouteImpls<
  'createTicket' | 'listMyTickets' | 'getMyTicket' | 'replyAsUser' | 'submitCsat' | 'answerAssistant'
> = {
  async createTicket(ctx) {
    const user = endUser(ctx);
    const input = ctx.body;
    renderMarkdown(input.body); // parsed now, outside the ticket's transaction (the store reuses it)
    if (user.anonymous) {
      // Anonymous visitors have a limited scope: they describe their problem; triage is the team's.
      const triage =
        input.priority !== 'normal' || input.tags.length > 0 || Object.keys(input.customFields).length > 0;
      if (triage) {
        throw new ApiError(
          'forbidden',
          'Anonymous visitors cannot set priority, tags or custom fields; identify the user first.',
        );
      }
    }
    const ticket = await ctx.app.tickets.create(
      {
        workspaceId: user.workspaceId,
        requester: requesterOf(user),
        actor: { type: 'customer', id: user.userId, ...(user.name === undefined ? {} : { name: user.name }) },
        subject: input.subject,
        body: input.body,
        attachments: callerAttachments(input.attachments),
        priority: input.priority,
        channel: input.channel,
        tags: input.tags,
        customFields: await ctx.app.validateCustomFields(input.customFields),
        diagnostics: input.diagnostics,
        sessionId: input.sessionId,
        selfServiceAttempted: await triedSelfService(ctx.exec, user.workspaceId, input.sessionId),
        // With the assistant on, a new ticket starts at Tier 0 and the assistant answers first.
        ...(ctx.app.assistantEnabled ? { tier: 0 as const } : {}),
      },
      { tx: ctx.tx },
    );
    if (input.sessionId !== undefined) {
      // Links the widget session's self-service steps to the ticket they ended in (deflection metrics).
      const step = {
        type: 'ticket.created',
        sessionId: input.sessionId,
        at: ticket.createdAt,
        ticketId: ticket.id,
      };
      await ctx.exec.query(
        'INSERT INTO deflection_events (workspace_id, session_id, type, at, event) VALUES ($1, $2, $3, $4, $5)',
        [user.workspaceId, step.sessionId, step.type, step.at, JSON.stringify(step)],
      );
    }
    if (ctx.app.assistantEnabled) ctx.defer(() => ctx.app.answerNewTicket(ticket));
    return { body: toRequesterView(ticket), status: 201 };
  },

  async listMyTickets(ctx) {
    const user = endUser(ctx);
    const after = decodeCursor(ctx.query.cursor, ['string', 'string']);
    const limit = ctx.query.limit;
    const { rows } = await ctx.exec.query<{ data: Ticket; created_at: Date; id: string }>(
      `SELECT data, created_at, id FROM tickets
        WHERE workspace_id = $1 AND requester_id = $2
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::text))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [user.workspaceId, user.userId, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      body: {
        items: page.map((r) => toRequesterView(r.data)),
        nextCursor:
          rows.length > limit && last ? encodeCursor([last.created_at.toISOString(), last.id]) : null,
      },
    };
  },

  async getMyTicket(ctx) {
    return { body: await readOwnTicket(ctx.exec, endUser(ctx), ctx.params.ticketId) };
  },

  async replyAsUser(ctx) {
    const user = endUser(ctx);
    renderMarkdown(ctx.body.body); // parsed now, outside the ticket's transaction (the store reuses it)
    const run = async (tx: SqlExecutor): Promise<Ticket> => {
      const ticket = (await ctx.app.tickets.dispatchIn(
        tx,
        { workspaceId: user.workspaceId, ticketId: ctx.params.ticketId, requesterId: user.userId },
        {
          type: 'MESSAGE.CUSTOMER',
          messageId: createId('msg'),
          body: ctx.body.body,
          attachments: callerAttachments(ctx.body.attachments),
          actor: {
            type: 'customer',
            id: user.userId,
            ...(user.name === undefined ? {} : { name: user.name }),
          },
        },
      )) as Ticket;
      // Writing back instead of accepting the assistant's answer means they want a person.
      return ticket.tier === 0
        ? ctx.app.leaveTierZero(tx, ticket, 'the requester replied to the assistant')
        : ticket;
    };
    const ticket = await inTransaction(ctx, run);
    return { body: toRequesterView(ticket), status: 201 };
  },

  async submitCsat(ctx) {
    const user = endUser(ctx);
    const ticket = await ctx.app.tickets.dispatch(
      { workspaceId: user.workspaceId, ticketId: ctx.params.ticketId, requesterId: user.userId },
      {
        type: 'CSAT.SUBMIT',
        score: ctx.body.score,
        ...(ctx.body.comment === undefined ? {} : { comment: ctx.body.comment }),
        actor: { type: 'customer', id: user.userId },
      },
      { tx: ctx.tx },
    );
    return { body: toRequesterView(ticket), status: 201 };
  },

  async answerAssistant(ctx) {
    const user = endUser(ctx);
    const ref = { workspaceId: user.workspaceId, ticketId: ctx.params.ticketId, requesterId: user.userId };
    const actor = { type: 'customer' as const, id: user.userId };
    const run = async (tx: SqlExecutor): Promise<Ticket> => {
      if (ctx.body.accepted) {
        return (await ctx.app.tickets.dispatchIn(tx, ref, {
          type: 'ASSISTANT.ACCEPTED',
          ...(ctx.body.articleId === undefined ? {} : { articleId: ctx.body.articleId }),
          actor,
        })) as Ticket;
      }
      // A rejected answer records the self-service attempt and hands the ticket to L1.
      const tried = (await ctx.app.tickets.dispatchIn(tx, ref, {
        type: 'SELF_SERVICE.ATTEMPTED',
        actor,
      })) as Ticket;
      return tried.tier === 0
        ? ctx.app.leaveTierZero(tx, tried, "the assistant's answer did not help")
        : tried;
    };
    const ticket = await inTransaction(ctx, run);
    return { body: toRequesterView(ticket), status: 201 };
  },
};
