import * as z from 'zod/mini';
import { IdSchema } from '../shared/primitives.schema';
import { TierSchema } from '../tiers/tier.schema';

/** A support agent: which tiers and groups they serve and how many open tickets they can hold. */
export const AgentSchema = z.object({
  id: IdSchema,
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  email: z.optional(z.email()),
  tiers: z.array(TierSchema).check(z.minLength(1)),
  groups: z._default(z.array(IdSchema), []),
  capacity: z._default(z.number().check(z.int(), z.nonnegative()), 10),
  active: z._default(z.boolean(), true),
});
/** An agent. */
export type Agent = z.infer<typeof AgentSchema>;
