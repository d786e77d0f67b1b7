import * as z from 'zod/mini';
import { AgentSchema } from '../agents/agent.schema';
import {
  ArticleFeedbackSchema,
  ArticleInputSchema,
  ArticlePatchSchema,
  ArticleSchema,
  ArticleSearchHitSchema,
} from '../kb/article.schema';
import { DeflectionEventSchema } from '../kb/deflection.schema';
import { MetricsReportSchema } from '../metrics/metrics.schema';
import { IdSchema } from '../shared/primitives.schema';
import { BusinessCalendarSchema } from '../sla/calendar.schema';
import { SlaPolicySchema } from '../sla/sla.schema';
import { TicketSchema } from '../tickets/ticket.schema';
import { TimelineEventSchema } from '../tickets/timeline.schema';
import { EscalationRuleSchema, RoutingRuleSchema } from '../tiers/escalation.schema';
import {
  AgentTicketViewSchema,
  ArticleSearchQuerySchema,
  AssistantAnswerInputSchema,
  CreateProactiveTicketInputSchema,
  CreateTicketInputSchema,
  CsatInputSchema,
  DeescalateInputSchema,
  EscalateInputSchema,
  MergeInputSchema,
  MetricsQuerySchema,
  NoteInputSchema,
  PageQuerySchema,
  pageOf,
  QueueQuerySchema,
  ReplyInputSchema,
  RequesterHistorySchema,
  SupportStatusSchema,
  TicketPatchSchema,
  TicketWithTimelineSchema,
} from './inputs.schema';
import { defineRoute } from './route';

const ticketParams = z.object({ ticketId: IdSchema });
const articleParams = z.object({ articleId: IdSchema });
const idParams = z.object({ id: IdSchema });
const ok = z.object({ ok: z.literal(true) });

/** The routes of one policy collection: list, create, replace, delete. */
function policyRoutes<const P extends string, S extends z.ZodMiniObject>(path: P, schema: S, noun: string) {
  return {
    list: defineRoute({
      method: 'GET',
      path,
      scope: 'agent',
      summary: `List ${noun}s`,
      response: z.object({ items: z.array(schema) }),
    }),
    create: defineRoute({
      method: 'POST',
      path,
      scope: 'agent',
      summary: `Create a ${noun}`,
      body: schema,
      response: schema,
    }),
    replace: defineRoute({
      method: 'PUT',
      path: `${path}/:id` as `${P}/:id`,
      scope: 'agent',
      summary: `Replace a ${noun}`,
      params: idParams,
      body: schema,
      response: schema,
    }),
    remove: defineRoute({
      method: 'DELETE',
      path: `${path}/:id` as `${P}/:id`,
      scope: 'agent',
      summary: `Delete a ${noun}`,
      params: idParams,
    }),
  };
}

const slaPolicies = policyRoutes('/v1/agent/sla-policies', SlaPolicySchema, 'SLA policy');
const calendars = policyRoutes('/v1/agent/calendars', BusinessCalendarSchema, 'business calendar');
const escalationRules = policyRoutes('/v1/agent/escalation-rules', EscalationRuleSchema, 'escalation rule');
const routingRules = policyRoutes('/v1/agent/routing-rules', RoutingRuleSchema, 'routing rule');

/**
 * The API contract: every route's method, path, scope, params, query, body and response schema.
 * The typed client, the server and the OpenAPI document are all generated from this one object,
 * so they cannot drift.
 */
export const routes = {
  // ——— end-user scope ———
  createTicket: defineRoute({
    method: 'POST',
    path: '/v1/tickets',
    scope: 'user',
    anonymous: true,
    summary: 'Open a ticket as the current end user',
    body: CreateTicketInputSchema,
    response: TicketSchema,
  }),
  listMyTickets: defineRoute({
    method: 'GET',
    path: '/v1/tickets',
    scope: 'user',
    anonymous: true,
    summary: "List the current end user's tickets, newest first",
    query: PageQuerySchema,
    response: pageOf(TicketSchema),
  }),
  getMyTicket: defineRoute({
    method: 'GET',
    path: '/v1/tickets/:ticketId',
    scope: 'user',
    anonymous: true,
    summary: 'Read one of my tickets with its public timeline',
    params: ticketParams,
    response: TicketWithTimelineSchema,
  }),
  replyAsUser: defineRoute({
    method: 'POST',
    path: '/v1/tickets/:ticketId/messages',
    scope: 'user',
    anonymous: true,
    summary: 'Reply on one of my tickets (reopens a solved one)',
    params: ticketParams,
    body: ReplyInputSchema,
    response: TicketSchema,
  }),
  submitCsat: defineRoute({
    method: 'POST',
    path: '/v1/tickets/:ticketId/csat',
    scope: 'user',
    anonymous: true,
    summary: 'Rate a solved ticket',
    params: ticketParams,
    body: CsatInputSchema,
    response: TicketSchema,
  }),
  answerAssistant: defineRoute({
    method: 'POST',
    path: '/v1/tickets/:ticketId/assistant-answer',
    scope: 'user',
    anonymous: true,
    summary: "Accept or reject the Tier 0 assistant's answer",
    params: ticketParams,
    body: AssistantAnswerInputSchema,
    response: TicketSchema,
  }),
  searchArticles: defineRoute({
    method: 'GET',
    path: '/v1/articles/search',
    scope: 'user',
    anonymous: true,
    summary: 'Full-text search of published articles, ranked, with highlights',
    query: ArticleSearchQuerySchema,
    response: z.object({ items: z.array(ArticleSearchHitSchema) }),
  }),
  getArticle: defineRoute({
    method: 'GET',
    path: '/v1/articles/:articleId',
    scope: 'user',
    anonymous: true,
    summary: 'Read a published article (counts a view)',
    params: articleParams,
    response: ArticleSchema,
  }),
  articleFeedback: defineRoute({
    method: 'POST',
    path: '/v1/articles/:articleId/feedback',
    scope: 'user',
    anonymous: true,
    summary: 'Vote an article helpful or not',
    params: articleParams,
    body: ArticleFeedbackSchema,
    response: ok,
  }),
  recordDeflection: defineRoute({
    method: 'POST',
    path: '/v1/deflections',
    scope: 'user',
    anonymous: true,
    summary: 'Record self-service steps from the widget',
    body: z.object({ events: z.array(DeflectionEventSchema).check(z.minLength(1), z.maxLength(50)) }),
    response: ok,
    status: 202,
  }),
  supportStatus: defineRoute({
    method: 'GET',
    path: '/v1/support/status',
    scope: 'user',
    anonymous: true,
    summary: 'Whether support is open now, the next opening or closing, and the first-response target',
    response: SupportStatusSchema,
  }),
  userStream: defineRoute({
    method: 'GET',
    path: '/v1/stream',
    scope: 'user',
    anonymous: true,
    summary: "Server-sent events for the current end user's tickets (Last-Event-ID resumes)",
    stream: true,
  }),

  // ——— agent scope ———
  queue: defineRoute({
    method: 'GET',
    path: '/v1/agent/tickets',
    scope: 'agent',
    summary: 'The ticket queue, filtered by status, tier, assignee and SLA state',
    query: QueueQuerySchema,
    response: pageOf(TicketSchema),
  }),
  createTicketForUser: defineRoute({
    method: 'POST',
    path: '/v1/agent/tickets',
    scope: 'agent',
    summary: "Open a ticket on a user's behalf (proactive; channel api)",
    body: CreateProactiveTicketInputSchema,
    response: TicketSchema,
  }),
  getTicket: defineRoute({
    method: 'GET',
    path: '/v1/agent/tickets/:ticketId',
    scope: 'agent',
    summary: 'Read a ticket with its whole timeline, internal notes included, and its diagnostics',
    params: ticketParams,
    response: AgentTicketViewSchema,
  }),
  updateTicket: defineRoute({
    method: 'PATCH',
    path: '/v1/agent/tickets/:ticketId',
    scope: 'agent',
    summary: 'Update status, priority, assignee, group, tags or fields (If-Match: version)',
    params: ticketParams,
    body: TicketPatchSchema,
    response: TicketSchema,
    versioned: true,
  }),
  replyAsAgent: defineRoute({
    method: 'POST',
    path: '/v1/agent/tickets/:ticketId/messages',
    scope: 'agent',
    summary: 'Public reply to the requester',
    params: ticketParams,
    body: ReplyInputSchema,
    response: TicketSchema,
    versioned: true,
  }),
  addNote: defineRoute({
    method: 'POST',
    path: '/v1/agent/tickets/:ticketId/notes',
    scope: 'agent',
    summary: 'Internal note, never shown to the requester',
    params: ticketParams,
    body: NoteInputSchema,
    response: TicketSchema,
  }),
  escalate: defineRoute({
    method: 'POST',
    path: '/v1/agent/tickets/:ticketId/escalate',
    scope: 'agent',
    summary: 'Escalate to a higher tier with a reason (L4 needs a vendor reference)',
    params: ticketParams,
    body: EscalateInputSchema,
    response: TicketSchema,
    versioned: true,
  }),
  deescalate: defineRoute({
    method: 'POST',
    path: '/v1/agent/tickets/:ticketId/deescalate',
    scope: 'agent',
    summary: 'Move back to a lower tier with a reason',
    params: ticketParams,
    body: DeescalateInputSchema,
    response: TicketSchema,
    versioned: true,
  }),
  mergeTicket: defineRoute({
    method: 'POST',
    path: '/v1/agent/tickets/:ticketId/merge',
    scope: 'agent',
    summary: 'Merge this ticket into another',
    params: ticketParams,
    body: MergeInputSchema,
    response: TicketSchema,
  }),
  requesterHistory: defineRoute({
    method: 'GET',
    path: '/v1/agent/requesters/:requesterId',
    scope: 'agent',
    summary: "A requester's other tickets, CSAT and interactions",
    params: z.object({ requesterId: IdSchema }),
    response: RequesterHistorySchema,
  }),
  listAgents: defineRoute({
    method: 'GET',
    path: '/v1/agent/agents',
    scope: 'agent',
    summary: 'The agents of the workspace',
    response: z.object({ items: z.array(AgentSchema) }),
  }),
  listArticles: defineRoute({
    method: 'GET',
    path: '/v1/agent/articles',
    scope: 'agent',
    summary: 'All articles, drafts included',
    query: PageQuerySchema,
    response: pageOf(ArticleSchema),
  }),
  createArticle: defineRoute({
    method: 'POST',
    path: '/v1/agent/articles',
    scope: 'agent',
    summary: 'Create an article',
    body: ArticleInputSchema,
    response: ArticleSchema,
  }),
  updateArticle: defineRoute({
    method: 'PATCH',
    path: '/v1/agent/articles/:articleId',
    scope: 'agent',
    summary: 'Update an article',
    params: articleParams,
    body: ArticlePatchSchema,
    response: ArticleSchema,
  }),
  deleteArticle: defineRoute({
    method: 'DELETE',
    path: '/v1/agent/articles/:articleId',
    scope: 'agent',
    summary: 'Delete an article',
    params: articleParams,
  }),
  listSlaPolicies: slaPolicies.list,
  createSlaPolicy: slaPolicies.create,
  replaceSlaPolicy: slaPolicies.replace,
  deleteSlaPolicy: slaPolicies.remove,
  listCalendars: calendars.list,
  createCalendar: calendars.create,
  replaceCalendar: calendars.replace,
  deleteCalendar: calendars.remove,
  listEscalationRules: escalationRules.list,
  createEscalationRule: escalationRules.create,
  replaceEscalationRule: escalationRules.replace,
  deleteEscalationRule: escalationRules.remove,
  listRoutingRules: routingRules.list,
  createRoutingRule: routingRules.create,
  replaceRoutingRule: routingRules.replace,
  deleteRoutingRule: routingRules.remove,
  metrics: defineRoute({
    method: 'GET',
    path: '/v1/agent/metrics',
    scope: 'agent',
    summary: 'Support metrics over a window (default: the last 30 days)',
    query: MetricsQuerySchema,
    response: MetricsReportSchema,
  }),
  agentStream: defineRoute({
    method: 'GET',
    path: '/v1/agent/stream',
    scope: 'agent',
    summary: 'Server-sent events for the whole workspace (Last-Event-ID resumes)',
    stream: true,
  }),
  timeline: defineRoute({
    method: 'GET',
    path: '/v1/agent/tickets/:ticketId/events',
    scope: 'agent',
    summary: "A ticket's timeline, paged by sequence number",
    params: ticketParams,
    query: PageQuerySchema,
    response: pageOf(TimelineEventSchema),
  }),
} as const;

/** The API contract's type. */
export type Routes = typeof routes;
/** A route's name. */
export type RouteName = keyof Routes;
