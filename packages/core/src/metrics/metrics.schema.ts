import * as z from 'zod/mini';
import { InstantSchema } from '../shared/primitives.schema';
import { ClockKindSchema, SlaMetricSchema } from '../sla/sla.schema';
import { TierSchema } from '../tiers/tier.schema';

const rate = z.nullable(z.number().check(z.minimum(0), z.maximum(1)));
const ms = z.nullable(z.number().check(z.nonnegative()));

/** Summary statistics of a duration metric (calendar time, ms). */
export const DurationStatsSchema = z.object({
  count: z.number().check(z.int(), z.nonnegative()),
  medianMs: ms,
  p90Ms: ms,
});
/** Duration statistics. */
export type DurationStats = z.infer<typeof DurationStatsSchema>;

/** Every metric of SPEC §2 over a window of time. */
export const MetricsReportSchema = z.object({
  from: InstantSchema,
  to: InstantSchema,
  firstResponse: DurationStatsSchema,
  resolution: DurationStatsSchema,
  slaCompliance: z.array(
    z.object({
      kind: ClockKindSchema,
      metric: SlaMetricSchema,
      met: z.number().check(z.int(), z.nonnegative()),
      breached: z.number().check(z.int(), z.nonnegative()),
      /** met within target / all that ended or breached; null when none. */
      rate,
    }),
  ),
  breaches: z.number().check(z.int(), z.nonnegative()),
  escalations: z.array(
    z.object({
      from: TierSchema,
      to: TierSchema,
      count: z.number().check(z.int(), z.nonnegative()),
      /** Tickets that moved from → to, over tickets that were ever at `from`. */
      rate,
    }),
  ),
  firstContactResolution: z.object({
    solved: z.number().check(z.int(), z.nonnegative()),
    firstContact: z.number().check(z.int(), z.nonnegative()),
    rate,
  }),
  reopens: z.object({
    solved: z.number().check(z.int(), z.nonnegative()),
    reopened: z.number().check(z.int(), z.nonnegative()),
    rate,
  }),
  backlog: z.array(
    z.object({
      tier: TierSchema,
      total: z.number().check(z.int(), z.nonnegative()),
      byAge: z.array(z.object({ label: z.string(), count: z.number().check(z.int(), z.nonnegative()) })),
    }),
  ),
  csat: z.object({
    responses: z.number().check(z.int(), z.nonnegative()),
    satisfied: z.number().check(z.int(), z.nonnegative()),
    /** Share of responses scoring 4 or 5. */
    score: rate,
    average: z.nullable(z.number()),
  }),
  deflection: z.object({
    sessions: z.number().check(z.int(), z.nonnegative()),
    deflected: z.number().check(z.int(), z.nonnegative()),
    rate,
  }),
});
/** A metrics report. */
export type MetricsReport = z.infer<typeof MetricsReportSchema>;
