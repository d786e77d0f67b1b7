import type { TicketPriority, TicketStatus, Tier } from '@tierdesk/core';

/** Display names of the five tiers, index = tier (e.g. `['Self-service', 'L1', 'L2', 'L3', 'Vendor']`). */
export type AgentTierNames = readonly [string, string, string, string, string];

/**
 * A canned response an agent applies in the ticket view: its body fills the composer and its field
 * updates are staged, sent together with the next reply or note.
 */
export interface AgentMacro {
  /** Stable id of the macro. */
  id: string;
  /** What the agent picks it by. */
  title: string;
  /** Markdown text put into the composer. */
  body?: string;
  /** Field changes staged with the macro. */
  updates?: AgentMacroUpdates;
}

/** The field changes a macro stages. */
export interface AgentMacroUpdates {
  /** The status to set (with a reply, in the same step). */
  status?: TicketStatus;
  /** The priority to set. */
  priority?: TicketPriority;
}

/** A tier's display name: the host's names when given, else the catalog's "Tier {tier}". */
export type TierLabel = (tier: Tier) => string;
