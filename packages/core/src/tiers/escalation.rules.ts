import type { ClockKind, SlaMetric } from '../sla/sla.schema';
import type { TicketPriority, TicketStatus } from '../tickets/ticket.schema';
import type { EscalationRule } from './escalation.schema';
import type { Tier } from './tier.schema';

/** What just happened that escalation rules may react to. */
export type EscalationTriggerEvent =
  | { on: 'sla.warning' | 'sla.breached'; kind: ClockKind; metric: SlaMetric }
  | { on: 'priority' }
  /** Tags changed, or the customer wrote `text` (for keyword rules). */
  | { on: 'tags'; text?: string }
  | { on: 'reopen_count' };

/** What rules see of the ticket. */
export interface EscalationRuleContext {
  tier: Tier;
  status: TicketStatus;
  priority: TicketPriority;
  tags: readonly string[];
  subject: string;
  /** The customer's messages so far (for keyword rules). */
  customerText: string;
  reopenCount: number;
  /** The requester's plan and tags from their identity (what SLA policies match on too). */
  requesterPlan?: string | undefined;
  requesterTags: readonly string[];
}

/** A rule's decision: move the ticket, and why. */
export interface EscalationDecision {
  ruleId: string;
  to: Tier;
  reason: string;
}

/**
 * A rule written as code, for what data rules cannot say (e.g. "VIP customers skip L1").
 * Evaluated on the same triggers as data rules; return null to do nothing.
 */
export interface CustomEscalationRule {
  id: string;
  /** Fire at most once per ticket (default) or on every trigger (`every`). */
  fires?: 'once' | 'every';
  evaluate(
    trigger: EscalationTriggerEvent,
    ticket: EscalationRuleContext,
  ): { to: Tier | 'next'; reason: string } | null;
}

const resolveTarget = (to: Tier | 'next', current: Tier): Tier | null => {
  const target = to === 'next' ? current + 1 : to;
  // Automatic moves stop at L3: L4 needs a vendor reference only a person can give.
  if (target <= current || target > 3) return null;
  return target as Tier;
};

const triggerMatches = (
  rule: EscalationRule,
  trigger: EscalationTriggerEvent,
  t: EscalationRuleContext,
): boolean => {
  const r = rule.trigger;
  switch (r.on) {
    case 'sla.warning':
    case 'sla.breached':
      return (
        trigger.on === r.on &&
        (!r.metrics || r.metrics.includes(trigger.metric)) &&
        (!r.kinds || r.kinds.includes(trigger.kind))
      );
    case 'priority':
      return r.priorities.includes(t.priority);
    case 'tags': {
      if (r.tags.some((tag) => t.tags.includes(tag))) return true;
      const text = `${t.subject}\n${t.customerText}`.toLowerCase();
      return r.keywords.some((k) => text.includes(k.toLowerCase()));
    }
    case 'reopen_count':
      return t.reopenCount >= r.atLeast;
  }
};

/** Rules with SLA triggers fire on every matching signal; the others at most once per ticket. */
export const ruleFiresOnce = (rule: EscalationRule): boolean =>
  rule.trigger.on !== 'sla.warning' && rule.trigger.on !== 'sla.breached';

/**
 * Evaluates escalation rules against a trigger. Returns the decision moving the ticket highest
 * (one move per trigger), or null. Rules in `alreadyFired` that fire once are skipped. Closed and
 * solved tickets are never escalated automatically.
 */
export function evaluateEscalationRules(
  rules: readonly EscalationRule[],
  customRules: readonly CustomEscalationRule[],
  trigger: EscalationTriggerEvent,
  ticket: EscalationRuleContext,
  alreadyFired: readonly string[],
): EscalationDecision | null {
  if (ticket.status === 'solved' || ticket.status === 'closed') return null;
  let best: EscalationDecision | null = null;
  const consider = (ruleId: string, to: Tier | 'next', reason: string) => {
    const target = resolveTarget(to, ticket.tier);
    if (target !== null && (!best || target > best.to)) best = { ruleId, to: target, reason };
  };
  for (const rule of rules) {
    if (!rule.active) continue;
    if (ruleFiresOnce(rule) && alreadyFired.includes(rule.id)) continue;
    if (rule.fromTiers && !rule.fromTiers.includes(ticket.tier)) continue;
    // A data rule fires only on its own trigger kind (a priority rule is not re-checked on tags).
    const kind = rule.trigger.on;
    if (kind !== trigger.on) continue;
    if (triggerMatches(rule, trigger, ticket)) consider(rule.id, rule.to, rule.reason);
  }
  for (const rule of customRules) {
    if ((rule.fires ?? 'once') === 'once' && alreadyFired.includes(rule.id)) continue;
    const d = rule.evaluate(trigger, ticket);
    if (d) consider(rule.id, d.to, d.reason);
  }
  return best;
}
