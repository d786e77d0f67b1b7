import * as z from 'zod/mini';
import { IdSchema, InstantSchema, TagSchema } from '../shared/primitives.schema';
import { ClockSummarySchema } from '../sla/sla.schema';
import { TierSchema, VendorReferenceSchema } from '../tiers/tier.schema';

/** Ticket lifecycle statuses. */
export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
/** A ticket status. */
export const TicketStatusSchema = z.enum(TICKET_STATUSES);
/** A ticket status. */
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

/** Ticket priorities, lowest first. */
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** A ticket priority. */
export const TicketPrioritySchema = z.enum(TICKET_PRIORITIES);
/** A ticket priority. */
export type TicketPriority = z.infer<typeof TicketPrioritySchema>;

/** Where a ticket came from. */
export const TicketChannelSchema = z.enum(['widget', 'email', 'api', 'chat', 'phone']);
/** A ticket channel. */
export type TicketChannel = z.infer<typeof TicketChannelSchema>;

/** The end user a ticket is for; `plan` and `tags` feed SLA policy matching. */
export const RequesterSchema = z.object({
  id: IdSchema,
  name: z.optional(z.string().check(z.maxLength(200))),
  email: z.optional(z.email()),
  plan: z.optional(z.string().check(z.maxLength(64))),
  tags: z._default(z.array(TagSchema).check(z.maxLength(50)), []),
});
/** A requester. */
export type Requester = z.infer<typeof RequesterSchema>;

/** A customer-satisfaction rating. */
export const CsatSchema = z.object({
  score: z.number().check(z.int(), z.minimum(1), z.maximum(5)),
  comment: z.optional(z.string().check(z.maxLength(2000))),
  at: InstantSchema,
});
/** A CSAT rating. */
export type Csat = z.infer<typeof CsatSchema>;

/** Links between tickets: merged duplicates and problem/incident parents. */
export const TicketLinksSchema = z.object({
  mergedInto: z.optional(IdSchema),
  problemId: z.optional(IdSchema),
});
/** Ticket links. */
export type TicketLinks = z.infer<typeof TicketLinksSchema>;

/** Host-defined custom fields; validate them further with the host's own schema. */
export const CustomFieldsSchema = z.record(z.string().check(z.maxLength(64)), z.unknown());

/** Subject line of a ticket. */
export const SubjectSchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(300));
/** Body of a message (markdown). */
export const MessageBodySchema = z.string().check(z.trim(), z.minLength(1), z.maxLength(20_000));

/** A ticket as the API returns it: a projection of its timeline and machine snapshot. */
export const TicketSchema = z.object({
  id: IdSchema,
  number: z.number().check(z.int(), z.positive()),
  workspaceId: IdSchema,
  subject: SubjectSchema,
  status: TicketStatusSchema,
  /**
   * The workflow state: equal to `status` for the built-in lifecycle, or a team's own state
   * (e.g. `awaiting_approval`) that reports as `status`.
   */
  workflowState: z.string().check(z.minLength(1), z.maxLength(64)),
  priority: TicketPrioritySchema,
  tier: TierSchema,
  channel: TicketChannelSchema,
  requester: RequesterSchema,
  assigneeId: z.nullable(IdSchema),
  groupId: z.nullable(IdSchema),
  tags: z.array(TagSchema),
  customFields: CustomFieldsSchema,
  sla: z.array(ClockSummarySchema),
  csat: z.nullable(CsatSchema),
  links: TicketLinksSchema,
  vendor: z.nullable(VendorReferenceSchema),
  reopenCount: z.number().check(z.int(), z.minimum(0)),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
  version: z.number().check(z.int(), z.minimum(1)),
});
/** A ticket. */
export type Ticket = z.infer<typeof TicketSchema>;
