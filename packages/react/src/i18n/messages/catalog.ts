/**
 * A whole catalog from its common part and the agent components' part. A call, not an object
 * spread, so that it can be marked pure: bundlers then drop a catalog nobody imports (they keep
 * spreads, which may run getters).
 */
export function withCommon<C extends object, A extends object>(common: C, agent: A): C & A {
  return { ...common, ...agent };
}
