import * as z from 'zod/mini';
import { ArticleSchema } from '../kb/article.schema';
import { IdSchema, InstantSchema, TagSchema } from '../shared/primitives.schema';
import { SlaMetricSchema } from '../sla/sla.schema';
import {
  CustomFieldsSchema,
  MessageBodySchema,
  RequesterSchema,
  SubjectSchema,
  TicketChannelSchema,
  TicketPrioritySchema,
  TicketSchema,
  TicketStatusSchema,
} from '../tickets/ticket.schema';
import { AttachmentSchema, TimelineEventSchema } from '../tickets/timeline.schema';
import { TierSchema } from '../tiers/tier.schema';

/** Opt-in diagnostics the widget attaches to a new ticket (shown to agents). */
export const DiagnosticsSchema = z.object({
  appVersion: z.optional(z.string().check(z.maxLength(100))),
  page: z.optional(z.string().check(z.maxLength(2000))),
  userAgent: z.optional(z.string().check(z.maxLength(500))),
  locale: z.optional(z.string().check(z.maxLength(35))),
  recentErrors: z.optional(z.array(z.string().check(z.maxLength(2000))).check(z.maxLength(20))),
});
/** Diagnostics of a ticket, as the widget sent them. */
export type Diagnostics = z.infer<typeof DiagnosticsSchema>;

/** An end user opening a ticket. */
export const CreateTicketInputSchema = z.object({
  subject: SubjectSchema,
  body: MessageBodySchema,
  priority: z._default(TicketPrioritySchema, 'normal'),
  channel: z._default(TicketChannelSchema, 'widget'),
  tags: z._default(z.array(TagSchema).check(z.maxLength(20)), []),
  customFields: z._default(CustomFieldsSchema, {}),
  attachments: z._default(z.array(AttachmentSchema).check(z.maxLength(10)), []),
  diagnostics: z.optional(DiagnosticsSchema),
  /** The widget session, linking the ticket to the self-service steps before it. */
  sessionId: z.optional(IdSchema),
});
/** Create-ticket input. */
export type CreateTicketInput = z.input<typeof CreateTicketInputSchema>;

/** An agent or integration opening a ticket on a user's behalf (channel `api` by default). */
export const CreateProactiveTicketInputSchema = z.extend(CreateTicketInputSchema, {
  requester: RequesterSchema,
  channel: z._default(TicketChannelSchema, 'api'),
  tier: z._default(TierSchema, 1),
});
/** Proactive ticket input. */
export type CreateProactiveTicketInput = z.input<typeof CreateProactiveTicketInputSchema>;

/** A public reply. */
export const ReplyInputSchema = z.object({
  body: MessageBodySchema,
  attachments: z._default(z.array(AttachmentSchema).check(z.maxLength(10)), []),
  /** Agent replies may set the status in the same step (e.g. reply and set pending). */
  status: z.optional(TicketStatusSchema),
});
/** Reply input. */
export type ReplyInput = z.input<typeof ReplyInputSchema>;

/** An internal note. */
export const NoteInputSchema = z.object({ body: MessageBodySchema });

/** A CSAT rating from the end user. */
export const CsatInputSchema = z.object({
  score: z.number().check(z.int(), z.minimum(1), z.maximum(5)),
  comment: z.optional(z.string().check(z.maxLength(2000))),
});
/** CSAT input. */
export type CsatInput = z.input<typeof CsatInputSchema>;

/** The end user's answer to the Tier 0 assistant's proposal. */
export const AssistantAnswerInputSchema = z.object({
  accepted: z.boolean(),
  articleId: z.optional(IdSchema),
});

/** An agent's update of ticket fields (sent with `If-Match`). */
export const TicketPatchSchema = z.partial(
  z.object({
    status: TicketStatusSchema,
    priority: TicketPrioritySchema,
    assigneeId: z.nullable(IdSchema),
    groupId: z.nullable(IdSchema),
    tags: z.array(TagSchema).check(z.maxLength(50)),
    customFields: CustomFieldsSchema,
    subject: SubjectSchema,
  }),
);
/** A ticket patch. */
export type TicketPatch = z.infer<typeof TicketPatchSchema>;

/** A manual escalation: a reason is required. */
export const EscalateInputSchema = z.object({
  /** Target tier; one up when omitted. */
  to: z.optional(TierSchema),
  reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(500)),
  /** Required when moving to L4. */
  vendor: z.optional(
    z.object({ vendor: z.string().check(z.minLength(1)), reference: z.string().check(z.minLength(1)) }),
  ),
});
/** Escalation input. */
export type EscalateInput = z.input<typeof EscalateInputSchema>;

/** A de-escalation: target tier and reason are required. */
export const DeescalateInputSchema = z.object({
  to: TierSchema,
  reason: z.string().check(z.trim(), z.minLength(3), z.maxLength(500)),
});

/** Merge a duplicate into another ticket. */
export const MergeInputSchema = z.object({ into: IdSchema });

/** Keyset pagination query. */
export const PageQuerySchema = z.object({
  cursor: z.optional(z.string().check(z.maxLength(500))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
});

/** A page of results with the cursor of the next page (null on the last). */
export const pageOf = <T extends z.ZodMiniType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

/** Filters of the agent queue. */
export const QueueQuerySchema = z.extend(PageQuerySchema, {
  status: z.optional(z.array(TicketStatusSchema)),
  tier: z.optional(z.array(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(4)))),
  assignee: z.optional(z.string().check(z.maxLength(64))),
  sla: z.optional(z.enum(['breached', 'warning', 'running', 'paused', 'none'])),
  metric: z.optional(SlaMetricSchema),
  q: z.optional(z.string().check(z.maxLength(200))),
});

/** Article search query. */
export const ArticleSearchQuerySchema = z.object({
  q: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  locale: z.optional(ArticleSchema.shape.locale),
  /**
   * `all` (default): every word must match — a search box (quotes and `-word` work). `any`: articles
   * matching any of the words, best first — suggestions from a whole ticket draft, where requiring
   * every word of "Password reset mail never arrives" would find nothing.
   */
  match: z.optional(z.enum(['all', 'any'])),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(50)), 10),
});

/** A ticket together with its timeline, as the ticket view needs it. */
export const TicketWithTimelineSchema = z.object({
  ticket: TicketSchema,
  events: z.array(TimelineEventSchema),
});

/** A ticket as an agent reads it: the whole timeline and the diagnostics the widget attached (or null). */
export const AgentTicketViewSchema = z.extend(TicketWithTimelineSchema, {
  diagnostics: z.nullable(DiagnosticsSchema),
});
/** The agent's view of one ticket. */
export type AgentTicketView = z.infer<typeof AgentTicketViewSchema>;

/**
 * Whether support is open now under the SLA policy a new widget ticket of the caller would get, and
 * what that ticket is promised: the widget's out-of-hours notice and "we reply within …" line.
 * `opensAt` is set only while closed, `closesAt` only while open (null when the period outlasts the
 * search horizon); without a calendar (24/7) both are null and `timeZone` too.
 */
export const SupportStatusSchema = z.object({
  open: z.boolean(),
  timeZone: z.nullable(z.string()),
  opensAt: z.nullable(InstantSchema),
  closesAt: z.nullable(InstantSchema),
  /** The first-response target in business milliseconds; null when no policy sets one. */
  firstResponseTargetMs: z.nullable(z.number()),
});
/** Support's opening status and promise for a new ticket. */
export type SupportStatus = z.infer<typeof SupportStatusSchema>;

/** A requester's history for the agent view. */
export const RequesterHistorySchema = z.object({
  requester: RequesterSchema,
  tickets: z.array(TicketSchema),
  csatAverage: z.nullable(z.number()),
  interactions: z.number().check(z.int(), z.nonnegative()),
});

/** Metrics window. */
export const MetricsQuerySchema = z.object({
  from: z.optional(z.iso.datetime()),
  to: z.optional(z.iso.datetime()),
});

/** Events on the realtime stream. */
export const StreamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ticket.updated'), ticket: TicketSchema }),
  z.object({ type: z.literal('timeline.appended'), ticketId: IdSchema, event: TimelineEventSchema }),
  /** The replay after `Last-Event-ID` is done; live events follow. Its id is a resume position. */
  z.object({ type: z.literal('stream.ready') }),
  /** More was missed than the server replays: refetch over the REST API; live events continue. */
  z.object({ type: z.literal('stream.reset'), reason: z.literal('backlog_exceeded') }),
]);
/** A realtime stream event. */
export type StreamEvent = z.infer<typeof StreamEventSchema>;
