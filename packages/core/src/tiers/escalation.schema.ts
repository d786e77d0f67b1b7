import * as z from 'zod/mini';
import { IdSchema, TagSchema } from '../shared/primitives.schema';
import { ClockKindSchema, SlaMetricSchema } from '../sla/sla.schema';
import { TierSchema } from './tier.schema';

const PRIORITY = ['low', 'normal', 'high', 'urgent'] as const;

/** What makes an automatic escalation rule fire. */
export const EscalationTriggerSchema = z.discriminatedUnion('on', [
  z.object({
    on: z.literal('sla.warning'),
    metrics: z.optional(z.array(SlaMetricSchema)),
    kinds: z.optional(z.array(ClockKindSchema)),
  }),
  z.object({
    on: z.literal('sla.breached'),
    metrics: z.optional(z.array(SlaMetricSchema)),
    kinds: z.optional(z.array(ClockKindSchema)),
  }),
  z.object({ on: z.literal('priority'), priorities: z.array(z.enum(PRIORITY)).check(z.minLength(1)) }),
  z.object({
    on: z.literal('tags'),
    /** Any of these tags on the ticket. */
    tags: z._default(z.array(TagSchema), []),
    /** Any of these words in the subject or a customer message (case-insensitive). */
    keywords: z._default(z.array(z.string().check(z.minLength(1))), []),
  }),
  z.object({ on: z.literal('reopen_count'), atLeast: z.number().check(z.int(), z.positive()) }),
]);
/** An escalation trigger. */
export type EscalationTrigger = z.infer<typeof EscalationTriggerSchema>;

/** An automatic escalation rule: a trigger, the tiers it applies from, and where it sends the ticket. */
export const EscalationRuleSchema = z.object({
  id: IdSchema,
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  active: z._default(z.boolean(), true),
  trigger: EscalationTriggerSchema,
  /** Tiers the ticket must be at for the rule to apply; all tiers below the target when omitted. */
  fromTiers: z.optional(z.array(TierSchema)),
  /** Target tier, or `next` for one tier up. */
  to: z._default(z.union([TierSchema, z.literal('next')]), 'next'),
  /** The reason written on the tier change. */
  reason: z.string().check(z.minLength(1), z.maxLength(500)),
});
/** An escalation rule. */
export type EscalationRule = z.infer<typeof EscalationRuleSchema>;
/** An escalation rule as written by a user. */
export type EscalationRuleInput = z.input<typeof EscalationRuleSchema>;

/** How tickets are assigned within a tier. */
export const RoutingRuleSchema = z.object({
  id: IdSchema,
  tier: TierSchema,
  strategy: z.enum(['round_robin', 'least_loaded']),
  groupId: z._default(z.nullable(IdSchema), null),
});
/** A routing rule. */
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;
