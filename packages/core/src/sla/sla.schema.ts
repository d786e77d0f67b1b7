import * as z from 'zod/mini';
import { IdSchema, InstantSchema, TagSchema } from '../shared/primitives.schema';

// Status and priority literals are repeated here (not imported from tickets/) so that the SLA unit
// has no import cycle with the ticket schema that embeds clock summaries.
const STATUS = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
const PRIORITY = ['low', 'normal', 'high', 'urgent'] as const;
const CHANNEL = ['widget', 'email', 'api', 'chat', 'phone'] as const;
const TIER = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

/** The SLA metrics a policy can target. */
export const SLA_METRICS = ['first_response', 'next_response', 'periodic_update', 'resolution'] as const;
/** An SLA metric. */
export const SlaMetricSchema = z.enum(SLA_METRICS);
/** An SLA metric. */
export type SlaMetric = z.infer<typeof SlaMetricSchema>;

/**
 * Which promise a clock keeps: `sla` to the customer, `ola` an internal target per tier, `vendor`
 * the outside vendor's contract while the ticket is at L4. A ticket runs one policy of each kind at
 * once, each paused independently.
 */
export const ClockKindSchema = z.enum(['sla', 'ola', 'vendor']);
/** A clock kind. */
export type ClockKind = z.infer<typeof ClockKindSchema>;

/** A target duration in business minutes. */
export const SlaTargetSchema = z.object({
  minutes: z.number().check(z.positive(), z.maximum(60 * 24 * 366)),
});

/** When a policy applies: every listed condition must hold; a list matches any of its values. */
export const SlaConditionsSchema = z.object({
  priorities: z.optional(z.array(z.enum(PRIORITY))),
  tiers: z.optional(z.array(TIER)),
  channels: z.optional(z.array(z.enum(CHANNEL))),
  requesterPlans: z.optional(z.array(z.string())),
  requesterTags: z.optional(z.array(TagSchema)),
});
/** SLA policy conditions. */
export type SlaConditions = z.infer<typeof SlaConditionsSchema>;

/**
 * Where a next-response run counts from: `first_unanswered` (the oldest customer message nobody
 * answered yet, so follow-ups do not push the deadline out) or `latest_customer_message` (every
 * customer reply starts a fresh run, as in "next response restarts on each customer reply").
 */
export const NextResponseFromSchema = z.enum(['first_unanswered', 'latest_customer_message']);
/** Where a next-response run counts from. */
export type NextResponseFrom = z.infer<typeof NextResponseFromSchema>;

/** An SLA (or OLA, or vendor) policy: conditions, per-metric targets, calendar and pause rules. */
export const SlaPolicySchema = z.object({
  id: IdSchema,
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  kind: z._default(ClockKindSchema, 'sla'),
  active: z._default(z.boolean(), true),
  /** Lower positions are tried first; the first matching active policy of each kind wins. */
  position: z._default(z.number().check(z.int()), 0),
  conditions: z._default(SlaConditionsSchema, {}),
  targets: z.object({
    first_response: z.optional(SlaTargetSchema),
    next_response: z.optional(SlaTargetSchema),
    periodic_update: z.optional(SlaTargetSchema),
    resolution: z.optional(SlaTargetSchema),
  }),
  /** Business calendar id; null means 24/7. */
  calendarId: z._default(z.nullable(IdSchema), null),
  /** Fraction of the target at which the warning fires. */
  warningFraction: z._default(z.number().check(z.gt(0), z.lt(1)), 0.8),
  /** Statuses during which this policy's clocks pause. */
  pauseOn: z._default(z.array(z.enum(STATUS)), ['pending', 'on_hold']),
  /**
   * Where next response counts from; absent means `first_unanswered`. Optional rather than
   * defaulted so policies stored before the option existed keep their meaning and type.
   */
  nextResponseFrom: z.optional(NextResponseFromSchema),
});
/** An SLA policy. */
export type SlaPolicy = z.infer<typeof SlaPolicySchema>;
/** An SLA policy as written by a user (defaults optional). */
export type SlaPolicyInput = z.input<typeof SlaPolicySchema>;

/** Where a clock is in its run. */
export const ClockStatusSchema = z.enum(['running', 'paused', 'met', 'stopped']);
/** A clock status. */
export type ClockStatus = z.infer<typeof ClockStatusSchema>;

/** The public view of one clock, as stored on the ticket and shown to agents and end users. */
export const ClockSummarySchema = z.object({
  /** `${kind}:${metric}`, unique per ticket. */
  id: z.string(),
  kind: ClockKindSchema,
  metric: SlaMetricSchema,
  policyId: IdSchema,
  status: ClockStatusSchema,
  /** How many times this clock has started; warnings and breaches fire once per run. */
  run: z.number().check(z.int(), z.minimum(1)),
  targetMs: z.number().check(z.nonnegative()),
  /** Business time used in this run, as of `asOf`. */
  elapsedMs: z.number().check(z.nonnegative()),
  asOf: InstantSchema,
  startedAt: InstantSchema,
  /** When the warning is due (null unless running). */
  warningAt: z.nullable(InstantSchema),
  /** When the target is due (null unless running). */
  dueAt: z.nullable(InstantSchema),
  warned: z.boolean(),
  breached: z.boolean(),
  metAt: z.nullable(InstantSchema),
  pausedSince: z.nullable(InstantSchema),
});
/** A clock summary. */
export type ClockSummary = z.infer<typeof ClockSummarySchema>;
