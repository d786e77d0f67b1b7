import type { Actor, Agent, Diagnostics, Ticket, TimelineEvent } from '@tierdesk/core';
import { ApiError } from '../http/api-error';
import type { AgentIdentity } from '../identity';
import { createId } from '../ids';
import { renderMarkdown } from '../markdown/render-cache';
import type { SqlExecutor } from '../store';
import { callerAttachments } from '../tickets/ticket.attachments';
import type { IncomingEvent } from '../tickets/ticket.service';
import { readTicket, readTimeline } from '../tickets/ticket.store';
import { agent, decodeCursor, encodeCursor, inTransaction, type RouteImpls } from './route.types';

function actorOf(me: AgentIdentity): Actor {
  return { type: 'agent', id: me.agentId, ...(me.name === undefined ? {} : { name: me.name }) };
}

/** The agent-scope ticket routes: queue, read, update, reply, notes, escalation, merge, history. */
export const agentTicketRoutes: RouteImpls<
  | 'queue'
  | 'createTicketForUser'
  | 'getTicket'
  | 'updateTicket'
  | 'replyAsAgent'
  | 'addNote'
  | 'escalate'
  | 'deescalate'
  | 'mergeTicket'
  | 'requesterHistory'
  | 'listAgents'
  | 'timeline'
> = {
  async queue(ctx) {
    const me = agent(ctx);
    const q = ctx.query;
    const after = decodeCursor(q.cursor, ['string', 'string']);
    // assignee: an agent id, `me`, or `none` (unassigned).
    const assignee = q.assignee === 'me' ? me.agentId : q.assignee;
    const text = q.q?.trim() ?? '';
    const number = /^#?\d{1,15}$/.test(text) ? Number(text.replace('#', '')) : null;
    const { rows } = await ctx.exec.query<{ data: Ticket; updated_at: Date; id: string }>(
      `SELECT data, updated_at, id FROM tickets
        WHERE workspace_id = $1
          AND ($2::text[] IS NULL OR status = ANY($2::text[]))
          AND ($3::int[] IS NULL OR tier = ANY($3::int[]))
          AND ($4::text IS NULL OR ($4 = 'none' AND assignee_id IS NULL) OR assignee_id = $4)
          AND ($5::text IS NULL OR sla_state = $5)
          AND ($6::text = '' OR number = $7 OR data->>'subject' ILIKE '%' || $6 || '%')
          AND ($8::text IS NULL OR EXISTS (
                SELECT 1 FROM jsonb_array_elements(data->'sla') c
                 WHERE c->>'metric' = $8 AND c->>'status' IN ('running', 'paused')))
          AND ($9::timestamptz IS NULL OR (updated_at, id) < ($9::timestamptz, $10::text))
        ORDER BY updated_at DESC, id DESC LIMIT $11`,
      [
        me.workspaceId,
        q.status ?? null,
        q.tier ?? null,
        assignee ?? null,
        q.sla ?? null,
        text.replaceAll('\\', '\\\\').replaceAll('%', '\\%').replaceAll('_', '\\_'),
        number,
        q.metric ?? null,
        after?.[0] ?? null,
        after?.[1] ?? null,
        q.limit + 1,
      ],
    );
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      body: {
        items: page.map((r) => r.data),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.updated_at.toISOString(), last.id]) : null,
      },
    };
  },

  async createTicketForUser(ctx) {
    const me = agent(ctx);
    renderMarkdown(ctx.body.body); // parsed outside the ticket's transaction (the store reuses it)
    const input = ctx.body;
    const ticket = await ctx.app.tickets.create(
      {
        workspaceId: me.workspaceId,
        requester: input.requester,
        actor: actorOf(me),
        subject: input.subject,
        body: input.body,
        attachments: callerAttachments(input.attachments),
        priority: input.priority,
        channel: input.channel,
        tier: input.tier,
        tags: input.tags,
        customFields: await ctx.app.validateCustomFields(input.customFields),
        diagnostics: input.diagnostics,
      },
      { tx: ctx.tx },
    );
    return { body: ticket, status: 201 };
  },

  async getTicket(ctx) {
    const me = agent(ctx);
    const stored = await readTicket(ctx.exec, me.workspaceId, ctx.params.ticketId);
    if (stored === null) throw new ApiError('not_found', 'No such ticket.');
    const events = await readTimeline(ctx.exec, stored.id, { publicOnly: false });
    // Stored as the widget sent them (validated on the way in); agents see them, requesters never do.
    const diagnostics = (stored.diagnostics ?? null) as Diagnostics | null;
    return { body: { ticket: stored.data, events, diagnostics } };
  },

  async updateTicket(ctx) {
    const me = agent(ctx);
    const patch = ctx.body;
    const actor = actorOf(me);
    const ref = { workspaceId: me.workspaceId, ticketId: ctx.params.ticketId };
    // One PATCH may touch several fields: each is a machine event, all in one transaction, so the
    // whole patch lands or none of it does; the version check applies to the first step.
    const steps: IncomingEvent<{ type: string; at: string; actor: Actor }>[] = [];
    if (patch.subject !== undefined || patch.groupId !== undefined || patch.customFields !== undefined) {
      steps.push({
        type: 'FIELDS.SET',
        actor,
        ...(patch.subject === undefined ? {} : { subject: patch.subject }),
        ...(patch.groupId === undefined ? {} : { groupId: patch.groupId }),
        ...(patch.customFields === undefined ? {} : { customFields: patch.customFields }),
      } as IncomingEvent<{ type: string; at: string; actor: Actor }>);
    }
    if (patch.priority !== undefined)
      steps.push({ type: 'PRIORITY.SET', to: patch.priority, actor } as never);
    if (patch.assigneeId !== undefined)
      steps.push({ type: 'ASSIGNEE.SET', to: patch.assigneeId, actor } as never);
    if (patch.tags !== undefined) steps.push({ type: 'TAGS.SET', tags: patch.tags, actor } as never);
    if (patch.status !== undefined) steps.push({ type: 'STATUS.SET', to: patch.status, actor } as never);
    if (steps.length === 0)
      throw new ApiError('bad_request', 'The patch changes nothing: send at least one field.');
    const run = async (tx: SqlExecutor): Promise<Ticket> => {
      if (patch.assigneeId !== undefined && patch.assigneeId !== null) {
        const { rows } = await tx.query(
          'SELECT 1 FROM agents WHERE workspace_id = $1 AND id = $2 AND active',
          [me.workspaceId, patch.assigneeId],
        );
        if (rows.length === 0) {
          throw new ApiError(
            'validation_failed',
            'Invalid body: no active agent with this id in the workspace (at body.assigneeId)',
            {
              issues: [
                { path: ['assigneeId'], code: 'unknown_agent', message: 'no active agent with this id' },
              ],
            },
          );
        }
      }
      if (patch.customFields !== undefined) {
        // Fields merge into the current ones; the host's schema judges the result.
        const current = await readTicket(tx, me.workspaceId, ctx.params.ticketId);
        if (current === null) throw new ApiError('not_found', 'No such ticket.');
        await ctx.app.validateCustomFields({ ...current.data.customFields, ...patch.customFields });
      }
      let ticket: Ticket | null = null;
      for (const [i, step] of steps.entries()) {
        ticket = await ctx.app.tickets.dispatchIn(
          tx,
          ref,
          step as never,
          i === 0 ? { expectedVersion: ctx.ifMatch } : {},
        );
      }
      return ticket as Ticket;
    };
    const ticket = await inTransaction(ctx, run);
    return { body: ticket };
  },

  async replyAsAgent(ctx) {
    const me = agent(ctx);
    renderMarkdown(ctx.body.body); // parsed outside the ticket's transaction (the store reuses it)
    const ticket = await ctx.app.tickets.dispatch(
      { workspaceId: me.workspaceId, ticketId: ctx.params.ticketId },
      {
        type: 'MESSAGE.AGENT',
        messageId: createId('msg'),
        body: ctx.body.body,
        attachments: callerAttachments(ctx.body.attachments),
        ...(ctx.body.status === undefined ? {} : { status: ctx.body.status }),
        actor: actorOf(me),
      },
      { tx: ctx.tx, expectedVersion: ctx.ifMatch },
    );
    return { body: ticket, status: 201 };
  },

  async addNote(ctx) {
    const me = agent(ctx);
    renderMarkdown(ctx.body.body); // parsed outside the ticket's transaction (the store reuses it)
    const ticket = await ctx.app.tickets.dispatch(
      { workspaceId: me.workspaceId, ticketId: ctx.params.ticketId },
      { type: 'NOTE.ADD', noteId: createId('note'), body: ctx.body.body, actor: actorOf(me) },
      { tx: ctx.tx },
    );
    return { body: ticket, status: 201 };
  },

  async escalate(ctx) {
    const me = agent(ctx);
    const ticket = await ctx.app.tickets.dispatch(
      { workspaceId: me.workspaceId, ticketId: ctx.params.ticketId },
      {
        type: 'TIER.ESCALATE',
        reason: ctx.body.reason,
        ...(ctx.body.to === undefined ? {} : { to: ctx.body.to }),
        ...(ctx.body.vendor === undefined ? {} : { vendor: ctx.body.vendor }),
        actor: actorOf(me),
      },
      { tx: ctx.tx, expectedVersion: ctx.ifMatch },
    );
    return { body: ticket, status: 201 };
  },

  async deescalate(ctx) {
    const me = agent(ctx);
    const ticket = await ctx.app.tickets.dispatch(
      { workspaceId: me.workspaceId, ticketId: ctx.params.ticketId },
      { type: 'TIER.DEESCALATE', to: ctx.body.to, reason: ctx.body.reason, actor: actorOf(me) },
      { tx: ctx.tx, expectedVersion: ctx.ifMatch },
    );
    return { body: ticket, status: 201 };
  },

  async mergeTicket(ctx) {
    const me = agent(ctx);
    if (ctx.body.into === ctx.params.ticketId)
      throw new ApiError('bad_request', 'A ticket cannot be merged into itself.');
    const run = async (tx: SqlExecutor): Promise<Ticket> => {
      // The target must exist in the same workspace; merging across workspaces is impossible by design.
      const target = await readTicket(tx, me.workspaceId, ctx.body.into);
      if (target === null) throw new ApiError('not_found', 'No such target ticket.');
      return ctx.app.tickets.dispatchIn(tx, { workspaceId: me.workspaceId, ticketId: ctx.params.ticketId }, {
        type: 'TICKET.MERGE',
        into: ctx.body.into,
        actor: actorOf(me),
      } as never) as Promise<Ticket>;
    };
    const ticket = await inTransaction(ctx, run);
    return { body: ticket, status: 201 };
  },

  async requesterHistory(ctx) {
    const me = agent(ctx);
    const { rows } = await ctx.exec.query<{ data: Ticket }>(
      `SELECT data FROM tickets WHERE workspace_id = $1 AND requester_id = $2 ORDER BY created_at DESC LIMIT 50`,
      [me.workspaceId, ctx.params.requesterId],
    );
    const first = rows[0];
    if (first === undefined) throw new ApiError('not_found', 'No tickets from this requester.');
    const { rows: counts } = await ctx.exec.query<{ n: number }>(
      `SELECT count(*) AS n FROM ticket_events WHERE workspace_id = $1 AND requester_id = $2 AND type = 'message.public'
          AND event->'actor'->>'type' = 'customer'`,
      [me.workspaceId, ctx.params.requesterId],
    );
    const scores = rows.map((r) => r.data.csat?.score).filter((s): s is number => s !== undefined);
    return {
      body: {
        requester: first.data.requester,
        tickets: rows.map((r) => r.data),
        csatAverage: scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length,
        interactions: counts[0]?.n ?? 0,
      },
    };
  },

  async listAgents(ctx) {
    const me = agent(ctx);
    const { rows } = await ctx.exec.query<{ data: Agent }>(
      'SELECT data FROM agents WHERE workspace_id = $1 ORDER BY id',
      [me.workspaceId],
    );
    return { body: { items: rows.map((r) => r.data) } };
  },

  async timeline(ctx) {
    const me = agent(ctx);
    const stored = await readTicket(ctx.exec, me.workspaceId, ctx.params.ticketId);
    if (stored === null) throw new ApiError('not_found', 'No such ticket.');
    const after = decodeCursor(ctx.query.cursor, ['number']);
    const events: TimelineEvent[] = await readTimeline(ctx.exec, stored.id, {
      publicOnly: false,
      afterSeq: (after?.[0] as number | undefined) ?? 0,
      limit: ctx.query.limit + 1,
    });
    const page = events.slice(0, ctx.query.limit);
    const last = page.at(-1);
    return {
      body: {
        items: page,
        nextCursor: events.length > ctx.query.limit && last ? encodeCursor([last.seq]) : null,
      },
    };
  },
};
