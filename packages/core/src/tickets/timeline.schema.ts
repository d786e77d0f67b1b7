import * as z from 'zod/mini';
import { MarkdownDocumentSchema } from '../kb/markdown.schema';
import { ActorSchema, IdSchema, InstantSchema, TagSchema } from '../shared/primitives.schema';
import { ClockKindSchema, SlaMetricSchema } from '../sla/sla.schema';
import { TierSchema } from '../tiers/tier.schema';
import {
  CsatSchema,
  MessageBodySchema,
  RequesterSchema,
  SubjectSchema,
  TicketChannelSchema,
  TicketPrioritySchema,
  TicketStatusSchema,
} from './ticket.schema';

const base = {
  /** Position in the ticket's timeline, from 1. */
  seq: z.number().check(z.int(), z.positive()),
  at: InstantSchema,
  actor: ActorSchema,
};

const ev = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...base, ...shape });

/** A message author's role in a public conversation. */
export const AuthorRoleSchema = z.enum(['customer', 'agent', 'bot']);

/**
 * Attachment metadata. The bytes live at `url` (the host's storage), or — with `id` — in the Tierdesk
 * server (files of inbound mail), downloaded with `GET /v1/tickets/:ticketId/attachments/:id` (the
 * requester) or `GET /v1/agent/tickets/:ticketId/attachments/:id` (agents).
 */
export const AttachmentSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  contentType: z.string().check(z.maxLength(255)),
  size: z.number().check(z.int(), z.nonnegative()),
  url: z.optional(z.url()),
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
/** Attachment metadata. */
export type Attachment = z.infer<typeof AttachmentSchema>;

/**
 * The append-only audit trail of a ticket. A ticket's current state is a projection of these events
 * (plus its machine snapshot), and SLA clocks are a pure function of them.
 */
export const TimelineEventSchema = z.discriminatedUnion('type', [
  ev('ticket.created', {
    subject: SubjectSchema,
    status: TicketStatusSchema,
    priority: TicketPrioritySchema,
    tier: TierSchema,
    channel: TicketChannelSchema,
    requester: RequesterSchema,
    tags: z.array(TagSchema),
  }),
  ev('message.public', {
    messageId: IdSchema,
    role: AuthorRoleSchema,
    body: MessageBodySchema,
    /** The body as a safe markdown node tree, added by the server when it stores the event. */
    bodyNodes: z.optional(MarkdownDocumentSchema),
    attachments: z._default(z.array(AttachmentSchema), []),
  }),
  ev('note.internal', {
    noteId: IdSchema,
    body: MessageBodySchema,
    bodyNodes: z.optional(MarkdownDocumentSchema),
  }),
  ev('status.changed', {
    from: TicketStatusSchema,
    to: TicketStatusSchema,
    /** The workflow state entered, when it is a custom state reporting as `to`. */
    state: z.optional(z.string()),
    reason: z.optional(z.string()),
  }),
  ev('priority.changed', { from: TicketPrioritySchema, to: TicketPrioritySchema }),
  ev('assignee.changed', { from: z.nullable(IdSchema), to: z.nullable(IdSchema) }),
  ev('tags.changed', { added: z.array(TagSchema), removed: z.array(TagSchema) }),
  ev('tier.changed', {
    from: TierSchema,
    to: TierSchema,
    reason: z.string().check(z.minLength(1)),
    /** The escalation rule that moved the ticket, when it was automatic. */
    ruleId: z.optional(IdSchema),
    vendor: z.optional(z.object({ vendor: z.string(), reference: z.string() })),
  }),
  ev('sla.warning', {
    clockId: z.string(),
    kind: ClockKindSchema,
    metric: SlaMetricSchema,
    dueAt: InstantSchema,
  }),
  ev('sla.breached', {
    clockId: z.string(),
    kind: ClockKindSchema,
    metric: SlaMetricSchema,
    dueAt: InstantSchema,
  }),
  ev('sla.met', {
    clockId: z.string(),
    kind: ClockKindSchema,
    metric: SlaMetricSchema,
    elapsedMs: z.number(),
    breached: z.boolean(),
  }),
  ev('csat.submitted', { csat: CsatSchema }),
  ev('ticket.merged', { into: IdSchema }),
  ev('ticket.deflected', { articleId: z.optional(IdSchema) }),
]);
/** A timeline event. */
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;
/** The type names of timeline events. */
export type TimelineEventType = TimelineEvent['type'];
/** A timeline event of one type. */
export type TimelineEventOf<T extends TimelineEventType> = Extract<TimelineEvent, { type: T }>;
/** A timeline event before it is numbered (what machines emit). */
export type TimelineEventDraft = TimelineEvent extends infer E
  ? E extends TimelineEvent
    ? Omit<E, 'seq'>
    : never
  : never;
