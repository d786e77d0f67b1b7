import * as z from 'zod/mini';

/** Support tiers: 0 self-service, 1 frontline, 2 specialists, 3 experts, 4 outside vendor. */
export const TIERS = [0, 1, 2, 3, 4] as const;
/** A support tier number. */
export const TierSchema = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
/** A support tier number, 0–4. */
export type Tier = z.infer<typeof TierSchema>;

/** Default display names of the tiers; workspaces may rename them. */
export const DEFAULT_TIER_NAMES: readonly [string, string, string, string, string] = [
  'Self-service',
  'L1 Frontline',
  'L2 Specialists',
  'L3 Experts',
  'L4 Vendor',
];

/** Display names for the five tiers, index = tier. */
export const TierNamesSchema = z.tuple([z.string(), z.string(), z.string(), z.string(), z.string()]);
/** Display names for the five tiers. */
export type TierNames = z.infer<typeof TierNamesSchema>;

/** Reference to an outside vendor's case, set when a ticket moves to L4. */
export const VendorReferenceSchema = z.object({
  vendor: z.string().check(z.minLength(1), z.maxLength(120)),
  reference: z.string().check(z.minLength(1), z.maxLength(200)),
  since: z.iso.datetime(),
});
/** A vendor reference. */
export type VendorReference = z.infer<typeof VendorReferenceSchema>;
