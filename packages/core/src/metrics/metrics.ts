/**
 * Support metrics as pure functions of ticket timelines and widget self-service steps (SPEC §2
 * "Metrics"). Nothing here reads the clock or the environment: the caller passes the window and the
 * instant the report is computed as of.
 *
 * Conventions shared by every function:
 * - **Window.** `[from, to)`: an instant equal to `from` is inside, one equal to `to` is outside.
 * - **As of `now`.** Events whose `at` is not strictly before `now` (default: `to`) are ignored, as
 *   if they had not happened yet; the report is what could be known at `now`. With the default,
 *   nothing after the window is seen.
 * - **Order.** A ticket's events are read in `seq` order (the timeline's own order), not re-sorted by
 *   `at`.
 * - **Durations** are calendar time in milliseconds (business-hours time is what the SLA clocks
 *   measure and report through `sla.met`).
 * - **Rates** are in `[0, 1]` and `null` when their denominator is 0, never `NaN`.
 * - **The solved cohort.** A ticket is *solved in the window* when its FIRST `status.changed` to
 *   `solved` falls in the window (or it was created already `solved`). Each ticket therefore joins
 *   the solved cohort of exactly one window; later re-solves after a reopen do not count again.
 *   Resolution time, first-contact resolution and reopen rate all use this cohort.
 * - Timelines are assumed valid (parsed with `TimelineEventSchema`); a ticket without a
 *   `ticket.created` event is left out of every metric that needs its creation.
 *
 * @module
 */
import type { DeflectionEvent } from '../kb/deflection.schema';
import type { ClockKind, SlaMetric } from '../sla/sla.schema';
import type { TicketStatus } from '../tickets/ticket.schema';
import type { TimelineEvent, TimelineEventOf } from '../tickets/timeline.schema';
import type { Tier } from '../tiers/tier.schema';
import type { DurationStats, MetricsReport } from './metrics.schema';

/** An instant given as a `Date`, epoch milliseconds or an ISO-8601 string. */
export type TimeInput = Date | number | string;

/** The reporting window `[from, to)` and the instant the report is computed as of. */
export interface MetricsWindow {
  /** Start of the window, inclusive. */
  from: TimeInput;
  /** End of the window, exclusive. */
  to: TimeInput;
  /** Events at or after this instant are ignored; the backlog is measured here. Defaults to `to`. */
  now?: TimeInput;
}

/** One ticket's timeline. */
export interface TicketHistory {
  /** The ticket's id (distinct counts are by this id). */
  ticketId: string;
  /** The ticket's timeline events, in any order (they are read by `seq`). */
  events: readonly TimelineEvent[];
}

/** Everything {@link computeMetrics} needs. */
export interface MetricsInput extends MetricsWindow {
  /** The timelines of every ticket that may matter to the window (extra tickets are harmless). */
  tickets: readonly TicketHistory[];
  /** Widget self-service steps; without them deflection counts only `ticket.deflected` events. */
  deflections?: readonly DeflectionEvent[];
}

/** One ticket's contribution to a duration metric. */
export interface TicketDuration {
  /** The ticket. */
  ticketId: string;
  /** The measured duration, calendar milliseconds. */
  ms: number;
}

/** A duration metric: its summary plus the per-ticket samples it was computed from (for drill-down). */
export interface DurationMetric extends DurationStats {
  /** One sample per counted ticket, in input order. */
  samples: TicketDuration[];
}

/** One row of SLA compliance: a clock kind and metric. */
export type SlaComplianceRow = MetricsReport['slaCompliance'][number];
/** One escalation hop and its rate. */
export type EscalationRow = MetricsReport['escalations'][number];
/** First-contact resolution counts and rate. */
export type FirstContactResolution = MetricsReport['firstContactResolution'];
/** Reopen counts and rate. */
export type ReopenRate = MetricsReport['reopens'];
/** The open backlog of one tier, by age. */
export type BacklogRow = MetricsReport['backlog'][number];
/** CSAT counts, score and average. */
export type CsatSummary = MetricsReport['csat'];
/** Self-service deflection counts and rate. */
export type DeflectionSummary = MetricsReport['deflection'];

/**
 * Thrown for an unusable window (an unparseable instant, `from` after `to`) or an invalid
 * percentile. `code` is the API error code the server answers with.
 */
export class MetricsInputError extends RangeError {
  /** Stable error code, an API `ErrorCode`. */
  readonly code = 'bad_request' as const;
  /** @param message - what is wrong with the input. */
  constructor(message: string) {
    super(message);
    this.name = 'MetricsInputError';
  }
}

const DAY_MS = 86_400_000;

/**
 * Backlog age buckets: each holds ages in `[minMs, maxMs)` (lower bound inclusive), so a ticket
 * exactly 1 day old is in `1-3d` and one exactly 7 days old is in `>7d`.
 */
export const BACKLOG_AGE_BUCKETS: ReadonlyArray<{ label: string; minMs: number; maxMs: number }> = [
  { label: '<1d', minMs: 0, maxMs: DAY_MS },
  { label: '1-3d', minMs: DAY_MS, maxMs: 3 * DAY_MS },
  { label: '3-7d', minMs: 3 * DAY_MS, maxMs: 7 * DAY_MS },
  { label: '>7d', minMs: 7 * DAY_MS, maxMs: Number.POSITIVE_INFINITY },
];

const ALL_TIERS: readonly Tier[] = [0, 1, 2, 3, 4];
const CLOCK_KINDS: readonly ClockKind[] = ['sla', 'ola', 'vendor'];
const SLA_METRIC_ORDER: readonly SlaMetric[] = [
  'first_response',
  'next_response',
  'periodic_update',
  'resolution',
];
/** Widget steps that count as trying self-service (everything but creating a ticket). */
const SELF_SERVICE_STEPS: ReadonlySet<DeflectionEvent['type']> = new Set([
  'search',
  'article.viewed',
  'article.voted',
  'suggestions.shown',
  'suggestion.opened',
]);

/* ----------------------------------------------------------------------------------------------- */
/* Shared reading of inputs                                                                        */
/* ----------------------------------------------------------------------------------------------- */

interface Bounds {
  fromMs: number;
  toMs: number;
  nowMs: number;
}

interface Observed {
  event: TimelineEvent;
  atMs: number;
}

interface TicketView {
  ticketId: string;
  /** Events strictly before `now`, in `seq` order. */
  events: Observed[];
  created: { event: TimelineEventOf<'ticket.created'>; atMs: number; index: number } | undefined;
  /** The first solve (a `status.changed` to `solved`, or creation as `solved`), if seen. */
  firstSolve: { atMs: number; index: number } | undefined;
}

function toMs(value: TimeInput, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new MetricsInputError(`${name} is not a valid instant: ${String(value)}`);
  return ms;
}

function readWindow(window: MetricsWindow): Bounds {
  const fromMs = toMs(window.from, 'from');
  const toMsValue = toMs(window.to, 'to');
  if (fromMs > toMsValue) throw new MetricsInputError('from must not be after to');
  const nowMs = window.now === undefined ? toMsValue : toMs(window.now, 'now');
  return { fromMs, toMs: toMsValue, nowMs };
}

const inWindow = (ms: number, b: Bounds): boolean => ms >= b.fromMs && ms < b.toMs;

const isUnsolved = (status: TicketStatus): boolean => status !== 'solved' && status !== 'closed';

const rate = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

function viewTicket(ticket: TicketHistory, nowMs: number): TicketView {
  const events = [...ticket.events]
    .sort((a, b) => a.seq - b.seq)
    .map((event) => ({ event, atMs: Date.parse(event.at) }))
    .filter((o) => o.atMs < nowMs);
  let created: TicketView['created'];
  let firstSolve: TicketView['firstSolve'];
  events.forEach(({ event, atMs }, index) => {
    if (event.type === 'ticket.created' && created === undefined) {
      created = { event, atMs, index };
      if (event.status === 'solved') firstSolve = { atMs, index };
    } else if (event.type === 'status.changed' && event.to === 'solved' && firstSolve === undefined) {
      firstSolve = { atMs, index };
    }
  });
  return { ticketId: ticket.ticketId, events, created, firstSolve };
}

/** The solved-cohort view of a ticket: its creation and first solve, the solve inside the window. */
function solvedInWindow(
  view: TicketView,
  b: Bounds,
): view is TicketView & {
  created: NonNullable<TicketView['created']>;
  firstSolve: NonNullable<TicketView['firstSolve']>;
} {
  return view.created !== undefined && view.firstSolve !== undefined && inWindow(view.firstSolve.atMs, b);
}

const isReopen = (event: TimelineEvent): boolean =>
  event.type === 'status.changed' && event.from === 'solved' && isUnsolved(event.to);

/* ----------------------------------------------------------------------------------------------- */
/* Percentiles                                                                                     */
/* ----------------------------------------------------------------------------------------------- */

/**
 * The `p`-th percentile of `values` by **linear interpolation between closest ranks** (the method of
 * Excel `PERCENTILE.INC`, NumPy's default and R type 7): sort ascending as `x[0..n-1]`, take the rank
 * `h = (n - 1) · p / 100`, and answer `x[⌊h⌋] + (h - ⌊h⌋) · (x[⌊h⌋ + 1] - x[⌊h⌋])`.
 *
 * So `p = 0` is the minimum, `p = 100` the maximum, and `p = 50` the usual median (the mean of the
 * two middle values when `n` is even: `percentile([10, 20], 50) === 15`).
 *
 * @param values - finite numbers, in any order (not mutated).
 * @param p - the percentile, from 0 to 100 (`90` for p90).
 * @returns the percentile, or `null` when `values` is empty.
 * @throws {@link MetricsInputError} when `p` is outside `[0, 100]` or a value is not finite.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new MetricsInputError(`percentile must be within [0, 100]: ${p}`);
  if (values.some((v) => !Number.isFinite(v)))
    throw new MetricsInputError('percentile of a non-finite value');
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const scaledRank = (sorted.length - 1) * p; // h · 100, kept whole for integer p to avoid float drift
  const lower = Math.floor(scaledRank / 100);
  const fraction = (scaledRank - lower * 100) / 100;
  const low = sorted[lower]!;
  const high = sorted[Math.min(lower + 1, sorted.length - 1)]!;
  return fraction === 0 ? low : low + (high - low) * fraction;
}

/**
 * Count, median and p90 of durations (see {@link percentile} for the method).
 *
 * @param values - durations in milliseconds.
 */
export function summarizeDurations(values: readonly number[]): DurationStats {
  return { count: values.length, medianMs: percentile(values, 50), p90Ms: percentile(values, 90) };
}

function durationMetric(samples: TicketDuration[]): DurationMetric {
  return { ...summarizeDurations(samples.map((s) => s.ms)), samples };
}

/* ----------------------------------------------------------------------------------------------- */
/* Metrics                                                                                         */
/* ----------------------------------------------------------------------------------------------- */

/**
 * First response time: from the ticket's creation to its first public message by an **agent**
 * (`message.public` with role `agent`). Bot messages, internal notes and customer messages do not
 * count.
 *
 * - Tickets created by an agent (`ticket.created` actor type `agent`, e.g. outbound tickets) are
 *   excluded: there is no customer waiting for a first response.
 * - A ticket counts in the window where its first response falls (`[from, to)`), whenever it was
 *   created. Tickets with no agent response yet are not counted (they show in the backlog).
 * - Durations are calendar time, clamped at 0.
 *
 * @param tickets - ticket timelines.
 * @param window - the window and as-of instant.
 */
export function firstResponseTimes(tickets: readonly TicketHistory[], window: MetricsWindow): DurationMetric {
  const b = readWindow(window);
  const samples: TicketDuration[] = [];
  for (const ticket of tickets) {
    const view = viewTicket(ticket, b.nowMs);
    const created = view.created;
    if (created === undefined || created.event.actor.type === 'agent') continue;
    const response = view.events
      .slice(created.index + 1)
      .find((o) => o.event.type === 'message.public' && o.event.role === 'agent');
    if (response !== undefined && inWindow(response.atMs, b)) {
      samples.push({ ticketId: view.ticketId, ms: Math.max(0, response.atMs - created.atMs) });
    }
  }
  return durationMetric(samples);
}

/**
 * Resolution time ("first resolution time"): from the ticket's creation to its FIRST `solved`
 * status. A ticket counts in the window where that first solve falls; time spent in later reopens is
 * not added. Tickets closed without ever being solved (e.g. merged duplicates) are not resolutions.
 * Agent-created tickets are included. Calendar time, clamped at 0.
 *
 * @param tickets - ticket timelines.
 * @param window - the window and as-of instant.
 */
export function resolutionTimes(tickets: readonly TicketHistory[], window: MetricsWindow): DurationMetric {
  const b = readWindow(window);
  const samples: TicketDuration[] = [];
  for (const ticket of tickets) {
    const view = viewTicket(ticket, b.nowMs);
    if (!solvedInWindow(view, b)) continue;
    samples.push({ ticketId: view.ticketId, ms: Math.max(0, view.firstSolve.atMs - view.created.atMs) });
  }
  return durationMetric(samples);
}

/**
 * SLA compliance per clock kind (`sla`, `ola`, `vendor`) and metric, over SLA events in the window.
 *
 * - `met`: `sla.met` events with `breached: false` (the target was met in time).
 * - `breached`: `sla.breached` events. A clock run that breaches and later completes also emits a
 *   `sla.met` with `breached: true`; that one is not counted again, so each clock run counts once.
 * - `rate = met / (met + breached)`, `null` when both are 0.
 *
 * `sla.warning` events are not compliance outcomes and are ignored. Rows appear only for
 * (kind, metric) pairs with at least one outcome in the window, ordered by kind (`sla`, `ola`,
 * `vendor`) then metric (first response, next response, periodic update, resolution).
 *
 * @param tickets - ticket timelines.
 * @param window - the window and as-of instant.
 */
export function slaCompliance(tickets: readonly TicketHistory[], window: MetricsWindow): SlaComplianceRow[] {
  const b = readWindow(window);
  const tally = new Map<string, { met: number; breached: number }>();
  const at = (kind: ClockKind, metric: SlaMetric) => {
    const key = `${kind}:${metric}`;
    let row = tally.get(key);
    if (row === undefined) {
      row = { met: 0, breached: 0 };
      tally.set(key, row);
    }
    return row;
  };
  for (const ticket of tickets) {
    for (const { event, atMs } of viewTicket(ticket, b.nowMs).events) {
      if (!inWindow(atMs, b)) continue;
      if (event.type === 'sla.breached') at(event.kind, event.metric).breached += 1;
      else if (event.type === 'sla.met' && !event.breached) at(event.kind, event.metric).met += 1;
    }
  }
  const rows: SlaComplianceRow[] = [];
  for (const kind of CLOCK_KINDS) {
    for (const metric of SLA_METRIC_ORDER) {
      const row = tally.get(`${kind}:${metric}`);
      if (row !== undefined) rows.push({ kind, metric, ...row, rate: rate(row.met, row.met + row.breached) });
    }
  }
  return rows;
}

/**
 * Escalation rate per hop `from → to` (upward moves only; de-escalations are not escalations).
 *
 * - `count`: distinct tickets with a `tier.changed` from `from` to `to` in the window (a ticket that
 *   bounces 1 → 2 → 1 → 2 counts once).
 * - denominator: distinct tickets that were at tier `from` **while unsolved** at some moment of the
 *   window (a ticket sitting solved at L1 for months is not "at L1"); tickets counted in `count` are
 *   always included.
 * - `rate = count / denominator`, `null` when no ticket was at `from`.
 *
 * Rows: the four adjacent hops (0→1, 1→2, 2→3, 3→4) always, plus any tier-skipping hop that happened
 * in the window, ordered by `from` then `to`. Merged tickets stop being at any tier when merged.
 *
 * @param tickets - ticket timelines.
 * @param window - the window and as-of instant.
 */
export function escalationRates(tickets: readonly TicketHistory[], window: MetricsWindow): EscalationRow[] {
  const b = readWindow(window);
  const atTier = new Map<Tier, Set<string>>(ALL_TIERS.map((t) => [t, new Set<string>()]));
  const moved = new Map<string, { from: Tier; to: Tier; tickets: Set<string> }>();
  for (const hop of [0, 1, 2, 3] as const) {
    const to = (hop + 1) as Tier;
    moved.set(`${hop}>${to}`, { from: hop, to, tickets: new Set() });
  }

  for (const ticket of tickets) {
    const view = viewTicket(ticket, b.nowMs);
    const created = view.created;
    if (created === undefined) continue;
    const id = view.ticketId;
    let tier = created.event.tier;
    let unsolved = isUnsolved(created.event.status);
    let since = created.atMs;
    const close = (untilMs: number) => {
      if (unsolved && since < b.toMs && untilMs > b.fromMs) atTier.get(tier)?.add(id);
    };
    for (const { event, atMs } of view.events.slice(created.index + 1)) {
      if (event.type === 'tier.changed') {
        close(atMs);
        if (event.to > event.from && inWindow(atMs, b)) {
          const key = `${event.from}>${event.to}`;
          const hop = moved.get(key) ?? { from: event.from, to: event.to, tickets: new Set<string>() };
          hop.tickets.add(id);
          moved.set(key, hop);
          atTier.get(event.from)?.add(id);
        }
        tier = event.to;
        since = atMs;
      } else if (event.type === 'status.changed') {
        close(atMs);
        unsolved = isUnsolved(event.to);
        since = atMs;
      } else if (event.type === 'ticket.merged') {
        close(atMs);
        unsolved = false;
        since = atMs;
      }
    }
    close(Number.POSITIVE_INFINITY);
  }

  return [...moved.values()]
    .sort((x, y) => x.from - y.from || x.to - y.to)
    .map(({ from, to, tickets: movedTickets }) => ({
      from,
      to,
      count: movedTickets.size,
      rate: rate(movedTickets.size, atTier.get(from)?.size ?? 0),
    }));
}

/**
 * First-contact resolution over the solved cohort (tickets whose first solve is in the window).
 * A solved ticket is resolved on first contact when all of these hold:
 * - exactly one public agent message (role `agent`; bots excluded) before its first solve;
 * - it was never reopened (as far as known at `now`);
 * - it never went above L1 (created at tier 0 or 1 and no `tier.changed` to tier 2 or higher).
 *
 * Tickets solved with no agent message (e.g. deflected at Tier 0) are in `solved` but are not
 * first-contact resolutions. `rate = firstContact / solved`.
 *
 * @param tickets - ticket timelines.
 * @param window - the window and as-of instant.
 */
export function firstContactResolution(
  tickets: readonly TicketHistory[],
  window: MetricsWindow,
): FirstContactResolution {
  const b = readWindow(window);
  let solved = 0;
  let firstContact = 0;
  for (const ticket of tickets) {
    const view = viewTicket(ticket, b.nowMs);
    if (!solvedInWindow(view, b)) continue;
    solved += 1;
    const beforeSolve = view.events.slice(view.created.index, view.firstSolve.index);
    const agentMessages = beforeSolve.filter(
      (o) => o.event.type === 'message.public' && o.event.role === 'agent',
    ).length;
    const reopened = view.events.some((o) => isReopen(o.event));
    const aboveL1 =
      view.created.event.tier > 1 ||
      view.events.some((o) => o.event.type === 'tier.changed' && o.event.to > 1);
    if (agentMessages === 1 && !reopened && !aboveL1) firstContact += 1;
  }
  return { solved, firstContact, rate: rate(firstContact, solved) };
}

/**
 * Reopen rate over the solved cohort (tickets whose first solve is in the window): the share that
 * were reopened afterwards, i.e. have a `status.changed` from `solved` to an unsolved status (`new`,
 * `open`, `pending` or `on_hold`) before `now`. Reopens after the window count only when `now` is
 * later than `to`. `rate = reopened / solved`.
 *
 * @param tickets - ticket timelines.
 * @param window - the window and as-of instant.
 */
export function reopenRate(tickets: readonly TicketHistory[], window: MetricsWindow): ReopenRate {
  const b = readWindow(window);
  let solved = 0;
  let reopened = 0;
  for (const ticket of tickets) {
    const view = viewTicket(ticket, b.nowMs);
    if (!solvedInWindow(view, b)) continue;
    solved += 1;
    if (view.events.slice(view.firstSolve.index + 1).some((o) => isReopen(o.event))) reopened += 1;
  }
  return { solved, reopened, rate: rate(reopened, solved) };
}

/**
 * The open backlog at `now`: tickets created before `now` whose status (after every event before
 * `now`) is not `solved` or `closed` and that were not merged into another ticket. `pending` and
 * `on_hold` tickets are backlog.
 *
 * Each ticket is placed at its current tier (the last `tier.changed`, else its created tier) and
 * bucketed by age `now − createdAt` into {@link BACKLOG_AGE_BUCKETS} (`<1d`, `1-3d`, `3-7d`, `>7d`,
 * each including its lower bound). Age runs from creation, not from the last reopen. Every tier 0–4
 * and every bucket is present, with zero counts.
 *
 * @param tickets - ticket timelines.
 * @param now - the instant the backlog is measured at.
 */
export function backlogByTierAndAge(tickets: readonly TicketHistory[], now: TimeInput): BacklogRow[] {
  const nowMs = toMs(now, 'now');
  const counts = new Map<Tier, number[]>(ALL_TIERS.map((t) => [t, BACKLOG_AGE_BUCKETS.map(() => 0)]));
  for (const ticket of tickets) {
    const view = viewTicket(ticket, nowMs);
    const created = view.created;
    if (created === undefined) continue;
    let tier = created.event.tier;
    let status = created.event.status;
    let merged = false;
    for (const { event } of view.events.slice(created.index + 1)) {
      if (event.type === 'tier.changed') tier = event.to;
      else if (event.type === 'status.changed') status = event.to;
      else if (event.type === 'ticket.merged') merged = true;
    }
    if (merged || !isUnsolved(status)) continue;
    const ageMs = Math.max(0, nowMs - created.atMs);
    const bucket = BACKLOG_AGE_BUCKETS.findIndex((k) => ageMs >= k.minMs && ageMs < k.maxMs);
    const row = counts.get(tier);
    if (row !== undefined && bucket >= 0) row[bucket] = (row[bucket] ?? 0) + 1;
  }
  return ALL_TIERS.map((tier) => {
    const row = counts.get(tier) ?? [];
    return {
      tier,
      total: row.reduce((sum, n) => sum + n, 0),
      byAge: BACKLOG_AGE_BUCKETS.map((k, i) => ({ label: k.label, count: row[i] ?? 0 })),
    };
  });
}

/**
 * Customer satisfaction over `csat.submitted` events in the window.
 *
 * - One response per ticket: when a customer rates again within the window, the latest rating
 *   replaces the earlier one (as Zendesk does).
 * - `satisfied`: responses scoring 4 or 5; `score = satisfied / responses` (CSAT %);
 *   `average`: mean score 1–5. Both `null` with no responses.
 *
 * @param tickets - ticket timelines.
 * @param window - the window and as-of instant.
 */
export function csatScore(tickets: readonly TicketHistory[], window: MetricsWindow): CsatSummary {
  const b = readWindow(window);
  const scores: number[] = [];
  for (const ticket of tickets) {
    let latest: number | undefined;
    for (const { event, atMs } of viewTicket(ticket, b.nowMs).events) {
      if (event.type === 'csat.submitted' && inWindow(atMs, b)) latest = event.csat.score;
    }
    if (latest !== undefined) scores.push(latest);
  }
  const satisfied = scores.filter((s) => s >= 4).length;
  return {
    responses: scores.length,
    satisfied,
    score: rate(satisfied, scores.length),
    average: scores.length === 0 ? null : scores.reduce((sum, s) => sum + s, 0) / scores.length,
  };
}

/**
 * Self-service deflection rate: the share of self-service attempts that did not end in a ticket.
 *
 * **Widget sessions.** Steps are grouped by `sessionId`. A session is a self-service attempt when it
 * has at least one self-service step (`search`, `article.viewed`, `article.voted`,
 * `suggestions.shown`, `suggestion.opened`); it belongs to the window where its first such step
 * falls. It is deflected when it created no ticket, or when every ticket it created was itself
 * deflected (`ticket.deflected` before `now`). A session whose ticket is created after `now` still
 * looks deflected: with the default `now = to`, a session straddling `to` counts as deflected.
 *
 * **Tickets solved at Tier 0.** A ticket with a `ticket.deflected` event (first such event in the
 * window) that no self-service session created counts as one more session, deflected. A deflected
 * ticket that a session did create is counted through that session only, so nothing counts twice.
 *
 * `rate = deflected / sessions`.
 *
 * @param deflections - widget self-service steps.
 * @param tickets - ticket timelines (for `ticket.deflected` events).
 * @param window - the window and as-of instant.
 */
export function deflectionRate(
  deflections: readonly DeflectionEvent[],
  tickets: readonly TicketHistory[],
  window: MetricsWindow,
): DeflectionSummary {
  const b = readWindow(window);

  const deflectedTickets = new Set<string>();
  const deflectedInWindow = new Set<string>();
  for (const ticket of tickets) {
    const first = viewTicket(ticket, b.nowMs).events.find((o) => o.event.type === 'ticket.deflected');
    if (first === undefined) continue;
    deflectedTickets.add(ticket.ticketId);
    if (inWindow(first.atMs, b)) deflectedInWindow.add(ticket.ticketId);
  }

  const sessions = new Map<string, { firstStepMs: number | undefined; ticketIds: string[] }>();
  for (const step of deflections) {
    const atMs = Date.parse(step.at);
    if (!(atMs < b.nowMs)) continue;
    let session = sessions.get(step.sessionId);
    if (session === undefined) {
      session = { firstStepMs: undefined, ticketIds: [] };
      sessions.set(step.sessionId, session);
    }
    if (step.type === 'ticket.created') session.ticketIds.push(step.ticketId);
    else if (
      SELF_SERVICE_STEPS.has(step.type) &&
      (session.firstStepMs === undefined || atMs < session.firstStepMs)
    ) {
      session.firstStepMs = atMs;
    }
  }

  let attempts = 0;
  let deflected = 0;
  const fromSessions = new Set<string>();
  for (const session of sessions.values()) {
    if (session.firstStepMs === undefined) continue;
    for (const id of session.ticketIds) fromSessions.add(id);
    if (!inWindow(session.firstStepMs, b)) continue;
    attempts += 1;
    if (session.ticketIds.every((id) => deflectedTickets.has(id))) deflected += 1;
  }
  for (const id of deflectedInWindow) {
    if (fromSessions.has(id)) continue;
    attempts += 1;
    deflected += 1;
  }
  return { sessions: attempts, deflected, rate: rate(deflected, attempts) };
}

/**
 * Every metric of SPEC §2 over the window `[from, to)`, as of `now` (default `to`). It is exactly the
 * individual functions of this module put together; `breaches` is the total of `sla.breached` events
 * in the window over every clock kind and metric (the sum of the `slaCompliance` rows' `breached`).
 *
 * @param input - ticket timelines, widget steps, the window and the as-of instant.
 * @returns a report matching `MetricsReportSchema`.
 * @throws {@link MetricsInputError} when an instant is invalid or `from` is after `to`.
 */
export function computeMetrics(input: MetricsInput): MetricsReport {
  const b = readWindow(input);
  const window: MetricsWindow = { from: b.fromMs, to: b.toMs, now: b.nowMs };
  const { tickets } = input;
  const stats = ({ count, medianMs, p90Ms }: DurationMetric): DurationStats => ({ count, medianMs, p90Ms });
  const sla = slaCompliance(tickets, window);
  return {
    from: new Date(b.fromMs).toISOString(),
    to: new Date(b.toMs).toISOString(),
    firstResponse: stats(firstResponseTimes(tickets, window)),
    resolution: stats(resolutionTimes(tickets, window)),
    slaCompliance: sla,
    breaches: sla.reduce((sum, row) => sum + row.breached, 0),
    escalations: escalationRates(tickets, window),
    firstContactResolution: firstContactResolution(tickets, window),
    reopens: reopenRate(tickets, window),
    backlog: backlogByTierAndAge(tickets, b.nowMs),
    csat: csatScore(tickets, window),
    deflection: deflectionRate(input.deflections ?? [], tickets, window),
  };
}
