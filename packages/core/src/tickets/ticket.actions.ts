import type { Actor } from '../shared/primitives.schema';
import { applySlaFact, nextSlaDueAt, replaySla } from '../sla/sla.clock';
import type { SlaFact, SlaSignal, SlaTicketAttributes } from '../sla/sla.types';
import {
  type CustomEscalationRule,
  type EscalationDecision,
  type EscalationTriggerEvent,
  evaluateEscalationRules,
  ruleFiresOnce,
} from '../tiers/escalation.rules';
import type { TicketContext, TicketData, TicketTimers } from './ticket.types';
import type { TimelineEvent, TimelineEventDraft } from './timeline.schema';

/** Epoch ms of an ISO instant. */
export const ms = (iso: string): number => Date.parse(iso);
/** ISO instant of epoch ms. */
export const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/** The SLA attributes of a ticket. */
export const slaAttributes = (t: TicketData): SlaTicketAttributes => ({
  status: t.status,
  priority: t.priority,
  tier: t.tier,
  channel: t.channel,
  requesterPlan: t.requester.plan,
  requesterTags: t.requester.tags,
});

/** What one step of the ticket machine produced. */
export interface StepResult {
  context: TicketContext;
  events: TimelineEvent[];
  escalation: EscalationDecision | null;
}

/** Input to {@link recordStep}. */
export interface StepInput {
  /** Timeline events to append (numbered here). */
  drafts?: TimelineEventDraft[];
  /** SLA facts to apply, in order. */
  facts?: SlaFact[];
  /** Triggers for escalation rules (SLA signals add their own). */
  triggers?: EscalationTriggerEvent[];
  /** Ticket field changes. */
  patch?: Partial<TicketData>;
  /** The requester tried self-service (a bot answer, an article, a search). */
  selfService?: boolean;
  /** The instant of the step (updates `updatedAt` when something was recorded). */
  at: string;
}

const signalKey = (s: SlaSignal): string => `${s.clockId}:${s.run}:${s.type}`;

const signalDraft = (s: SlaSignal): TimelineEventDraft => {
  const actor: Actor = { type: 'system' };
  if (s.type === 'sla.met') {
    return {
      type: 'sla.met',
      at: iso(s.at),
      actor,
      clockId: s.clockId,
      kind: s.kind,
      metric: s.metric,
      elapsedMs: s.elapsedMs,
      breached: s.breached,
    };
  }
  return {
    type: s.type,
    at: iso(s.at),
    actor,
    clockId: s.clockId,
    kind: s.kind,
    metric: s.metric,
    dueAt: iso(s.dueAt),
  };
};

/** Turns SLA signals not yet written into timeline drafts and escalation triggers (each once). */
function collectSignals(
  signals: readonly SlaSignal[],
  fired: Set<string>,
  drafts: TimelineEventDraft[],
  triggers: EscalationTriggerEvent[],
): void {
  for (const signal of signals) {
    const key = signalKey(signal);
    if (fired.has(key)) continue;
    fired.add(key);
    drafts.push(signalDraft(signal));
    if (signal.type !== 'sla.met')
      triggers.push({ on: signal.type, kind: signal.kind, metric: signal.metric });
  }
}

/**
 * One recording step, pure: applies field changes and SLA facts, numbers the new timeline events
 * (SLA signals included, each written once), and asks escalation rules what to do.
 */
export function recordStep(
  context: TicketContext,
  input: StepInput,
  customRules: readonly CustomEscalationRule[],
): StepResult {
  let ctx: TicketContext = input.patch
    ? { ...context, ticket: { ...context.ticket, ...input.patch } }
    : context;
  if (input.selfService) ctx = { ...ctx, selfServiceAttempted: true };
  const drafts: TimelineEventDraft[] = [...(input.drafts ?? [])];
  const triggers: EscalationTriggerEvent[] = [...(input.triggers ?? [])];

  if (input.facts?.length) {
    let sla = ctx.sla;
    const fired = new Set(ctx.firedSignals);
    const slaFacts = [...ctx.slaFacts];
    for (const fact of input.facts) {
      if (fact.type !== 'tick') slaFacts.push(fact);
      const step = applySlaFact(sla, fact, ctx.slaEnv);
      sla = step.state;
      collectSignals(step.signals, fired, drafts, triggers);
    }
    ctx = { ...ctx, sla, slaFacts, firedSignals: [...fired] };
  }
  return finishStep(ctx, drafts, triggers, input.at, customRules);
}

/**
 * Recomputes clocks from the recorded facts under the context's (new) environment: the pure replay
 * that makes a policy change exact. Signals the replay produces that were never written are written
 * now; clocks of a policy that no longer applies disappear.
 */
export function replayStep(
  context: TicketContext,
  at: string,
  customRules: readonly CustomEscalationRule[],
): StepResult {
  const { state, signals } = replaySla(context.slaFacts, context.slaEnv, ms(at));
  const fired = new Set(context.firedSignals);
  const drafts: TimelineEventDraft[] = [];
  const triggers: EscalationTriggerEvent[] = [];
  collectSignals(signals, fired, drafts, triggers);
  return finishStep({ ...context, sla: state, firedSignals: [...fired] }, drafts, triggers, at, customRules);
}

function finishStep(
  ctx: TicketContext,
  drafts: TimelineEventDraft[],
  triggers: EscalationTriggerEvent[],
  at: string,
  customRules: readonly CustomEscalationRule[],
): StepResult {
  const events: TimelineEvent[] = [];
  let seq = ctx.seq;
  // A breach found while handling a late reply happened before the reply: number events in time
  // order (stable, so a reply stays before the `sla.met` it caused).
  drafts.sort((a, b) => ms(a.at) - ms(b.at));
  for (const draft of drafts) {
    seq += 1;
    events.push({ ...draft, seq } as TimelineEvent);
  }
  if (events.length) ctx = { ...ctx, seq, ticket: { ...ctx.ticket, updatedAt: at } };

  let escalation: EscalationDecision | null = null;
  let firedRules = ctx.firedRules;
  for (const trigger of triggers) {
    const decision = evaluateEscalationRules(
      ctx.escalationRules,
      customRules,
      trigger,
      {
        tier: ctx.ticket.tier,
        status: ctx.ticket.status,
        priority: ctx.ticket.priority,
        tags: ctx.ticket.tags,
        subject: ctx.ticket.subject,
        customerText: trigger.on === 'tags' ? (trigger.text ?? '') : '',
        reopenCount: ctx.ticket.reopenCount,
        requesterPlan: ctx.ticket.requester.plan,
        requesterTags: ctx.ticket.requester.tags,
      },
      firedRules,
    );
    if (decision && (!escalation || decision.to > escalation.to)) escalation = decision;
  }
  if (escalation) {
    const id = escalation.ruleId;
    const rule = ctx.escalationRules.find((r) => r.id === id);
    const custom = customRules.find((r) => r.id === id);
    const once = rule ? ruleFiresOnce(rule) : (custom?.fires ?? 'once') === 'once';
    if (once && !firedRules.includes(id)) firedRules = [...firedRules, id];
    ctx = { ...ctx, firedRules };
  }
  return { context: ctx, events, escalation };
}

/**
 * The timers a host must keep for this ticket (epoch ms, null when unset): the next SLA
 * warning/breach, auto-close of a solved ticket, and the end of a snooze. A derived value: hosts
 * read it after each event and make it durable (the server keeps it in a table).
 */
export function selectTimers(context: TicketContext): TicketTimers {
  const t = context.ticket;
  return {
    sla: nextSlaDueAt(context.sla, context.slaEnv),
    auto_close:
      t.status === 'solved' && t.solvedAt ? ms(t.solvedAt) + context.settings.autoCloseAfterMs : null,
    snooze: t.status === 'pending' ? context.snoozeUntil : null,
  };
}
