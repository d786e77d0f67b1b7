import { addBusinessTime, businessTimeBetween } from './calendar';
import type { BusinessCalendar } from './calendar.schema';
import { findCalendar, matchPolicy, targetMs, warningMs } from './sla.policy';
import { type ClockKind, type ClockSummary, SLA_METRICS, type SlaMetric, type SlaPolicy } from './sla.schema';
import type {
  ClockState,
  SlaEnvironment,
  SlaFact,
  SlaSignal,
  SlaState,
  SlaStep,
  SlaTicketAttributes,
} from './sla.types';

/*
 * How a clock is kept. `elapsedMs` is the business time accumulated up to `since`, the start of the
 * current running or paused segment. A segment ends only when the clock pauses, resumes, is met,
 * stops or changes policy; advancing to a fact computes the elapsed time of the open segment without
 * storing it. So the state does not depend on how often time was sampled: applying facts live with
 * timer ticks in between gives the same state as replaying the facts alone, and a due instant is
 * always computed from the start of its segment (one `addBusinessTime`, exact across DST).
 */

/** The clock kinds, in the order their clocks are listed. */
const CLOCK_KINDS: readonly ClockKind[] = ['sla', 'ola', 'vendor'];

const TERMINAL = new Set(['solved', 'closed']);

/** The id of a ticket's clock for a kind and metric (unique per ticket). */
export const slaClockId = (kind: ClockKind, metric: SlaMetric): string => `${kind}:${metric}`;

/** The state of a ticket before its first fact: no ticket, no clocks. */
export function initialSlaState(): SlaState {
  return { ticket: null, policyIds: {}, clocks: {}, awaitingAgent: false, asOf: 0 };
}

// ---------------------------------------------------------------------------------------------
// Clock arithmetic

/** The active policy a clock counts under; undefined when it was removed or deactivated. */
const livePolicy = (env: SlaEnvironment, id: string | undefined): SlaPolicy | undefined =>
  id === undefined ? undefined : env.policies.find((p) => p.id === id && p.active);

const isAwaiting = (clock: ClockState | undefined): clock is ClockState =>
  clock !== undefined && (clock.status === 'running' || clock.status === 'paused');

/** Business time a clock has used by `to` (the open segment included when running). */
function elapsedAt(clock: ClockState, calendar: BusinessCalendar | null, to: number): number {
  if (clock.status !== 'running' || to <= clock.since) return clock.elapsedMs;
  return clock.elapsedMs + businessTimeBetween(clock.since, to, calendar);
}

/**
 * The instant a running clock reaches `thresholdMs` of business time. When the threshold was
 * already reached when the current segment began (a breached clock resumed after a pause, or a
 * policy change lowered the target), the exact past instant is not in the state: the segment start
 * is returned, the earliest instant the current segment can vouch for.
 */
function crossingAt(clock: ClockState, calendar: BusinessCalendar | null, thresholdMs: number): number {
  const remaining = thresholdMs - clock.elapsedMs;
  return remaining <= 0 ? clock.since : addBusinessTime(clock.since, remaining, calendar).getTime();
}

interface Step {
  state: SlaState;
  env: SlaEnvironment;
  at: number;
  signals: SlaSignal[];
}

/**
 * Fires the warning and the breach of one running clock when reached by `to`, each once per run.
 * `inclusive` (a tick, or a target that just changed) fires a breach due exactly at `to`; any other
 * fact fires it only when due strictly before `to`, so a reply at the due instant is in time.
 */
function fireCrossings(
  clock: ClockState,
  policy: SlaPolicy,
  env: SlaEnvironment,
  to: number,
  inclusive: boolean,
  out: SlaSignal[],
): void {
  if (clock.status !== 'running' || (clock.warned && clock.breached)) return;
  const target = targetMs(policy, clock.metric);
  if (target === null) return;
  const calendar = findCalendar(env, policy);
  const elapsed = elapsedAt(clock, calendar, to);
  const warnAfter = warningMs(policy, target);
  const base = { clockId: clock.id, kind: clock.kind, metric: clock.metric, run: clock.run };
  if (!clock.warned && elapsed >= warnAfter) {
    clock.warned = true;
    const dueAt = crossingAt(clock, calendar, target);
    out.push({ type: 'sla.warning', at: crossingAt(clock, calendar, warnAfter), ...base, dueAt });
  }
  if (!clock.breached && elapsed >= target) {
    const dueAt = crossingAt(clock, calendar, target);
    if (inclusive ? dueAt <= to : dueAt < to) {
      clock.breached = true;
      out.push({ type: 'sla.breached', at: dueAt, ...base, dueAt });
    }
  }
}

/** Advances every running clock to `to`, firing what comes due; signals in time order. */
function advance(step: Step, to: number, inclusive: boolean): void {
  const found: SlaSignal[] = [];
  for (const clock of Object.values(step.state.clocks)) {
    const policy = livePolicy(step.env, clock.policyId);
    if (policy) fireCrossings(clock, policy, step.env, to, inclusive, found);
  }
  // Array.prototype.sort is stable: equal instants keep clock order, warning before breach.
  found.sort((a, b) => a.at - b.at);
  step.signals.push(...found);
}

/** Ends a running clock's segment at `at`, folding its business time into `elapsedMs`. */
function closeSegment(step: Step, clock: ClockState): void {
  if (clock.status !== 'running') return;
  const policy = livePolicy(step.env, clock.policyId);
  const calendar = policy ? findCalendar(step.env, policy) : null;
  clock.elapsedMs = elapsedAt(clock, calendar, step.at);
  clock.since = step.at;
}

function meet(step: Step, clock: ClockState): void {
  closeSegment(step, clock);
  clock.status = 'met';
  clock.since = step.at;
  clock.metAt = step.at;
  step.signals.push({
    type: 'sla.met',
    at: step.at,
    clockId: clock.id,
    kind: clock.kind,
    metric: clock.metric,
    run: clock.run,
    elapsedMs: clock.elapsedMs,
    breached: clock.breached,
  });
}

function stop(step: Step, clock: ClockState): void {
  closeSegment(step, clock);
  clock.status = 'stopped';
  clock.since = step.at;
}

/** Pauses or resumes a running or paused clock according to its policy and the ticket status. */
function applyPauseRule(step: Step, clock: ClockState, policy: SlaPolicy): void {
  const status = step.state.ticket?.status;
  const shouldPause = status !== undefined && policy.pauseOn.includes(status);
  if (clock.status === 'running' && shouldPause) {
    closeSegment(step, clock);
    clock.status = 'paused';
  } else if (clock.status === 'paused' && !shouldPause) {
    clock.since = step.at;
    clock.status = 'running';
  }
}

/**
 * Starts a new run of a clock under a policy (when the policy targets the metric), paused from the
 * start when the ticket's status is one the policy pauses on.
 */
function startRun(step: Step, kind: ClockKind, metric: SlaMetric, policy: SlaPolicy): void {
  if (targetMs(policy, metric) === null) return;
  const id = slaClockId(kind, metric);
  const previous = step.state.clocks[id];
  const status = step.state.ticket?.status;
  step.state.clocks[id] = {
    id,
    kind,
    metric,
    policyId: policy.id,
    status: status !== undefined && policy.pauseOn.includes(status) ? 'paused' : 'running',
    run: (previous?.run ?? 0) + 1,
    startedAt: step.at,
    elapsedMs: 0,
    since: step.at,
    warned: false,
    breached: false,
    metAt: null,
  };
}

/**
 * Whether a metric has run for a kind. A customer SLA is one promise across policy changes; an OLA or
 * vendor clock is a promise of the current policy (tier) only, so a new tier's first response starts
 * afresh.
 */
function hasRun(state: SlaState, kind: ClockKind, metric: SlaMetric): boolean {
  const clock = state.clocks[slaClockId(kind, metric)];
  return clock !== undefined && (kind === 'sla' || clock.policyId === state.policyIds[kind]);
}

const clocksOfKind = (state: SlaState, kind: ClockKind): ClockState[] =>
  Object.values(state.clocks).filter((c) => c.kind === kind);

/**
 * A kind whose policy was removed or deactivated since the last fact goes to the policy that now
 * matches the ticket, the one a replay under the new environment matches: its clocks keep their
 * runs, elapsed time and flags and count on under the fallback's targets and calendar (the open
 * segment included, as a replay counts it). Without a fallback the kind's clocks are dropped and
 * leave no escalation. Returns the kinds handed over, whose pause rules apply once time has advanced.
 * Exact when the fallback would have matched at the same moment with the same calendar and pause
 * rules; the ticket machine replays on `POLICIES.UPDATE`, which is exact in every case.
 */
function handOverOrphans(step: Step): ClockKind[] {
  const { state, env } = step;
  const handedOver: ClockKind[] = [];
  for (const kind of CLOCK_KINDS) {
    const id = state.policyIds[kind];
    if (id === undefined || livePolicy(env, id)) continue;
    const fallback = state.ticket ? matchPolicy(env.policies, kind, state.ticket) : null;
    if (!fallback) {
      removeKind(state, kind);
      continue;
    }
    state.policyIds[kind] = fallback.id;
    for (const clock of clocksOfKind(state, kind)) {
      if (targetMs(fallback, clock.metric) === null) delete state.clocks[clock.id];
      else clock.policyId = fallback.id;
    }
    handedOver.push(kind);
  }
  return handedOver;
}

/** After a hand-over: the fallback's pause rule applies and the clocks it runs at once start. */
function settleHandOver(step: Step, kinds: readonly ClockKind[]): void {
  for (const kind of kinds) {
    const policy = livePolicy(step.env, step.state.policyIds[kind]);
    if (!policy) continue;
    for (const clock of clocksOfKind(step.state, kind)) {
      if (isAwaiting(clock)) applyPauseRule(step, clock, policy);
    }
    startMissing(step, kind, policy);
  }
}

function removeKind(state: SlaState, kind: ClockKind): void {
  delete state.policyIds[kind];
  for (const clock of clocksOfKind(state, kind)) delete state.clocks[clock.id];
}

// ---------------------------------------------------------------------------------------------
// Facts

function onCreated(step: Step, fact: Extract<SlaFact, { type: 'created' }>): void {
  const { state, env } = step;
  if (state.ticket) return; // a ticket is created once; a second `created` is not a fact about it
  state.ticket = { ...fact.ticket, requesterTags: [...fact.ticket.requesterTags] };
  state.awaitingAgent = fact.byCustomer;
  for (const kind of CLOCK_KINDS) {
    const policy = matchPolicy(env.policies, kind, state.ticket);
    if (!policy) continue;
    state.policyIds[kind] = policy.id;
    startRun(step, kind, 'resolution', policy);
    // A ticket an agent opens (proactive, on the customer's behalf) has no one waiting for a first
    // response until the customer writes.
    if (fact.byCustomer) startRun(step, kind, 'first_response', policy);
  }
  // A ticket logged as already solved (a phone call handled on the spot) meets its resolution now.
  if (TERMINAL.has(state.ticket.status)) enterStatus(step, 'new', state.ticket.status);
}

function onCustomerMessage(step: Step): void {
  const { state, env } = step;
  if (!state.ticket || state.ticket.status === 'closed') return;
  const wasAwaiting = state.awaitingAgent;
  state.awaitingAgent = true;
  for (const kind of CLOCK_KINDS) {
    const policy = livePolicy(env, state.policyIds[kind]);
    if (!policy) continue;
    if (!hasRun(state, kind, 'first_response')) startRun(step, kind, 'first_response', policy);
    const first = state.clocks[slaClockId(kind, 'first_response')];
    const next = state.clocks[slaClockId(kind, 'next_response')];
    // By default next response counts from the OLDEST unanswered customer message: a follow-up
    // while the customer is already waiting does not push the deadline out. A policy may instead
    // restart it on every customer message. Either way, while the first response is pending the
    // first-response clock is the one measuring.
    const firstPending = isAwaiting(first) && first.policyId === policy.id;
    const restart = policy.nextResponseFrom === 'latest_customer_message';
    if (!firstPending && (restart || (!wasAwaiting && !isAwaiting(next))))
      startRun(step, kind, 'next_response', policy);
  }
}

function onAgentMessage(step: Step): void {
  const { state, env } = step;
  if (!state.ticket) return;
  state.awaitingAgent = false;
  for (const clock of Object.values(state.clocks)) {
    if (isAwaiting(clock) && (clock.metric === 'first_response' || clock.metric === 'next_response')) {
      meet(step, clock);
    }
  }
  for (const kind of CLOCK_KINDS) {
    const policy = livePolicy(env, state.policyIds[kind]);
    if (!policy) continue;
    const periodic = state.clocks[slaClockId(kind, 'periodic_update')];
    if (isAwaiting(periodic)) meet(step, periodic);
    // Every public agent reply is an update: the next one is due a full period after this one, so
    // a timer armed for the old due instant finds nothing to fire.
    if (!TERMINAL.has(state.ticket.status)) startRun(step, kind, 'periodic_update', policy);
  }
}

function enterStatus(
  step: Step,
  from: SlaTicketAttributes['status'],
  to: SlaTicketAttributes['status'],
): void {
  const { state, env } = step;
  if (!state.ticket) return;
  state.ticket.status = to;
  if (to === 'closed' || to === 'solved') {
    // Nobody waits for a reply on a solved ticket; the next customer message starts afresh.
    state.awaitingAgent = false;
    for (const clock of Object.values(state.clocks)) {
      if (!isAwaiting(clock)) continue;
      if (to === 'solved' && clock.metric === 'resolution') meet(step, clock);
      else stop(step, clock);
    }
    return;
  }
  if (from === 'solved') {
    // Reopened: the resolution promise was not kept after all, so its run continues where it
    // stopped (elapsed time and fired thresholds kept). The other clocks wait for their start facts.
    for (const kind of CLOCK_KINDS) {
      const policy = livePolicy(env, state.policyIds[kind]);
      const resolution = state.clocks[slaClockId(kind, 'resolution')];
      if (!policy) continue;
      if (resolution?.status === 'met' && resolution.policyId === policy.id) {
        resolution.status = 'paused'; // applyPauseRule below resumes it unless `to` pauses it
        resolution.metAt = null;
        resolution.since = step.at;
      } else if (!hasRun(state, kind, 'resolution')) {
        // A policy matched while the ticket was solved (a tier move): its resolution starts now.
        startRun(step, kind, 'resolution', policy);
      }
    }
  }
  for (const clock of Object.values(state.clocks)) {
    const policy = livePolicy(env, clock.policyId);
    if (policy && isAwaiting(clock)) applyPauseRule(step, clock, policy);
  }
}

function onAttributes(step: Step, fact: Extract<SlaFact, { type: 'attributes' }>): void {
  const { state, env } = step;
  if (!state.ticket) return;
  const { requesterTags, ...rest } = fact.changes;
  state.ticket = { ...state.ticket, ...rest };
  if (requesterTags) state.ticket.requesterTags = [...requesterTags];
  for (const kind of CLOCK_KINDS) {
    const previousId = state.policyIds[kind];
    const policy = matchPolicy(env.policies, kind, state.ticket);
    if (policy?.id === previousId) continue;
    if (!policy) {
      // An OLA or vendor clock whose tier was left: that tier handed the ticket on.
      if (kind !== 'sla') {
        const resolution = state.clocks[slaClockId(kind, 'resolution')];
        if (isAwaiting(resolution)) meet(step, resolution);
      }
      removeKind(state, kind);
      continue;
    }
    if (previousId !== undefined && kind === 'sla') retarget(step, policy);
    else if (previousId !== undefined) {
      for (const clock of clocksOfKind(state, kind)) {
        if (!isAwaiting(clock)) continue;
        if (clock.metric === 'resolution') meet(step, clock);
        else stop(step, clock);
      }
    }
    state.policyIds[kind] = policy.id;
    startMissing(step, kind, policy);
  }
}

/**
 * The customer SLA moves to another policy: the promise is the same one, so each clock keeps its run,
 * elapsed time and fired thresholds, and only its target, calendar and pause rule change. A target
 * the new policy reaches sooner fires at once.
 */
function retarget(step: Step, policy: SlaPolicy): void {
  const { state, env } = step;
  for (const clock of clocksOfKind(state, 'sla')) {
    if (targetMs(policy, clock.metric) === null) {
      // The new policy does not measure this metric: nothing more may fire from it.
      if (isAwaiting(clock)) delete state.clocks[clock.id];
      continue;
    }
    if (isAwaiting(clock)) closeSegment(step, clock); // elapsed so far, on the old calendar
    clock.policyId = policy.id;
    if (!isAwaiting(clock)) continue;
    applyPauseRule(step, clock, policy);
    fireCrossings(clock, policy, env, step.at, true, step.signals);
  }
}

/** Starts the clocks a (newly matched) policy runs at once: resolution, and first response if waited for. */
function startMissing(step: Step, kind: ClockKind, policy: SlaPolicy): void {
  const { state } = step;
  if (!state.ticket || TERMINAL.has(state.ticket.status)) return;
  if (!hasRun(state, kind, 'resolution')) startRun(step, kind, 'resolution', policy);
  if (state.awaitingAgent && !hasRun(state, kind, 'first_response'))
    startRun(step, kind, 'first_response', policy);
}

const cloneState = (state: SlaState): SlaState => ({
  ticket: state.ticket ? { ...state.ticket, requesterTags: [...state.ticket.requesterTags] } : null,
  policyIds: { ...state.policyIds },
  clocks: Object.fromEntries(Object.entries(state.clocks).map(([id, clock]) => [id, { ...clock }])),
  awaitingAgent: state.awaitingAgent,
  asOf: state.asOf,
});

/**
 * Applies one SLA fact to a ticket's SLA state: the single reducer used live (the ticket machine on
 * every event and timer tick) and by {@link replaySla}. Pure: the input state is not changed.
 *
 * First every running clock is advanced to `fact.at`, firing `sla.warning` at `warningFraction` of
 * its target and `sla.breached` at the target, each at most once per run and stamped with the
 * instant it came due (business time on the policy's calendar). Advancing to a `tick` fires a
 * breach due exactly then; advancing to any other fact fires it only when due strictly earlier, so a
 * reply at the due instant meets the target in time. Then the fact itself applies:
 *
 * - `created`: one policy is matched per kind; resolution starts, and first response when the
 *   customer opened the ticket (otherwise at the customer's first message). Clocks start paused
 *   when the ticket is created in a status the policy pauses on.
 * - `customer_message`: first response starts if it never ran; next response starts when the
 *   customer was not already waiting, so it counts from the oldest unanswered message — or, under
 *   a policy with `nextResponseFrom: 'latest_customer_message'`, a new run starts on every message.
 * - `agent_message` (public): first and next response are met; periodic update is met and a new
 *   run starts at once.
 * - `status`: clocks pause and resume per policy; `solved` meets resolution and stops the others;
 *   `closed` stops everything; reopening a solved ticket resumes the same resolution run.
 * - `attributes`: policies are matched again. A new customer SLA policy keeps the clocks' elapsed
 *   time and flags and changes their targets; a new OLA or vendor policy meets the old resolution
 *   (the tier handed it on), stops the rest and starts its own clocks; a kind no policy matches any
 *   more loses its clocks.
 * - `tick`: time passing only.
 *
 * Facts are expected in time order; an earlier instant is read as the last instant applied. Clocks
 * whose policy is no longer active in `env` go to the policy that now matches (as a replay under
 * `env` would match it), or are dropped when none does; replay to apply a policy change exactly.
 *
 * @throws {SlaCalendarNotFoundError} when a policy names a calendar missing from `env`.
 */
export function applySlaFact(state: SlaState, fact: SlaFact, env: SlaEnvironment): SlaStep {
  const at = Math.max(fact.at, state.asOf);
  const step: Step = { state: cloneState(state), env, at, signals: [] };
  const handedOver = handOverOrphans(step);
  advance(step, at, fact.type === 'tick');
  settleHandOver(step, handedOver);
  step.state.asOf = at;
  switch (fact.type) {
    case 'created':
      onCreated(step, fact);
      break;
    case 'customer_message':
      onCustomerMessage(step);
      break;
    case 'agent_message':
      onAgentMessage(step);
      break;
    case 'status':
      if (step.state.ticket && step.state.ticket.status !== fact.to) {
        enterStatus(step, step.state.ticket.status, fact.to);
      }
      break;
    case 'attributes':
      onAttributes(step, fact);
      break;
    case 'tick':
      break;
  }
  return { state: step.state, signals: step.signals };
}

/**
 * Folds a ticket's SLA facts from {@link initialSlaState}, then advances to `now` with a tick when
 * given. Replaying under a changed environment is how a policy or calendar change (or a
 * deactivation) is applied: pause periods are in the facts, so no pause time is lost, and a policy
 * that no longer applies leaves no clock and no future escalation.
 */
export function replaySla(facts: readonly SlaFact[], env: SlaEnvironment, now?: number): SlaStep {
  let state = initialSlaState();
  const signals: SlaSignal[] = [];
  for (const fact of facts) {
    const step = applySlaFact(state, fact, env);
    state = step.state;
    signals.push(...step.signals);
  }
  if (now !== undefined) {
    const step = applySlaFact(state, { type: 'tick', at: now }, env);
    state = step.state;
    signals.push(...step.signals);
  }
  return { state, signals };
}

/**
 * The earliest instant (epoch ms) at which a running clock's warning or breach comes due: what a
 * durable timer waits for before sending a `tick`. Null when nothing can fire (no running clock
 * with a threshold left). May be in the past when a threshold is due but not fired yet; fire at once.
 */
export function nextSlaDueAt(state: SlaState, env: SlaEnvironment): number | null {
  // A state computed under policies since deactivated counts on under their fallbacks.
  if (Object.values(state.policyIds).some((id) => !livePolicy(env, id))) {
    state = applySlaFact(state, { type: 'tick', at: state.asOf }, env).state;
  }
  let earliest: number | null = null;
  for (const clock of Object.values(state.clocks)) {
    if (clock.status !== 'running' || clock.breached) continue;
    const policy = livePolicy(env, clock.policyId);
    const target = policy ? targetMs(policy, clock.metric) : null;
    if (!policy || target === null) continue;
    const threshold = clock.warned ? target : warningMs(policy, target);
    const due = crossingAt(clock, findCalendar(env, policy), threshold);
    if (earliest === null || due < earliest) earliest = due;
  }
  return earliest;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

/**
 * The public view of a ticket's clocks as of `now` (the state is not changed): elapsed business
 * time, `warningAt`/`dueAt` for running clocks, `pausedSince` for paused ones, and the flags as a
 * tick at `now` would leave them. Listed by kind (sla, ola, vendor), then metric. `asOf` is `now`
 * for running and paused clocks and the instant a met or stopped clock ended. Clocks whose policy is
 * gone from `env` are left out.
 */
export function summarizeClocks(state: SlaState, env: SlaEnvironment, now: number): ClockSummary[] {
  const ticked = applySlaFact(state, { type: 'tick', at: now }, env).state;
  const at = ticked.asOf;
  const summaries: ClockSummary[] = [];
  for (const kind of CLOCK_KINDS) {
    for (const metric of SLA_METRICS) {
      const clock = ticked.clocks[slaClockId(kind, metric)];
      const policy = clock && env.policies.find((p) => p.id === clock.policyId);
      const target = policy ? targetMs(policy, metric) : null;
      if (!clock || !policy || target === null) continue;
      const running = clock.status === 'running';
      const calendar = running ? findCalendar(env, policy) : null;
      summaries.push({
        id: clock.id,
        kind,
        metric,
        policyId: clock.policyId,
        status: clock.status,
        run: clock.run,
        targetMs: target,
        elapsedMs: elapsedAt(clock, calendar, at),
        asOf: iso(clock.status === 'running' || clock.status === 'paused' ? at : clock.since),
        startedAt: iso(clock.startedAt),
        warningAt: running ? iso(crossingAt(clock, calendar, warningMs(policy, target))) : null,
        dueAt: running ? iso(crossingAt(clock, calendar, target)) : null,
        warned: clock.warned,
        breached: clock.breached,
        metAt: clock.metAt === null ? null : iso(clock.metAt),
        pausedSince: clock.status === 'paused' ? iso(clock.since) : null,
      });
    }
  }
  return summaries;
}
