import type { TicketChannel, TicketPriority, TicketStatus } from '../tickets/ticket.schema';
import type { Tier } from '../tiers/tier.schema';
import type { BusinessCalendar } from './calendar.schema';
import type { ClockKind, SlaMetric, SlaPolicy } from './sla.schema';

/** The policies and calendars clocks are computed under. Changing it and replaying is a what-if. */
export interface SlaEnvironment {
  policies: readonly SlaPolicy[];
  calendars: readonly BusinessCalendar[];
}

/** The ticket attributes SLA policies match on. */
export interface SlaTicketAttributes {
  status: TicketStatus;
  priority: TicketPriority;
  tier: Tier;
  channel: TicketChannel;
  requesterPlan?: string | undefined;
  requesterTags: readonly string[];
}

/**
 * The SLA-relevant facts of a ticket's timeline, in order. Instants are epoch milliseconds.
 * Clocks are a pure function of these facts and the environment.
 */
export type SlaFact =
  | { type: 'created'; at: number; ticket: SlaTicketAttributes; byCustomer: boolean }
  | { type: 'customer_message'; at: number }
  | { type: 'agent_message'; at: number }
  | { type: 'status'; at: number; to: TicketStatus }
  | { type: 'attributes'; at: number; changes: Partial<Omit<SlaTicketAttributes, 'status'>> }
  /** Time passing (a timer fired); never changes anything but what time it is. */
  | { type: 'tick'; at: number };

/** Internal state of one clock (epoch ms). */
export interface ClockState {
  id: string;
  kind: ClockKind;
  metric: SlaMetric;
  policyId: string;
  status: 'running' | 'paused' | 'met' | 'stopped';
  run: number;
  startedAt: number;
  /** Business ms accumulated up to `since`. */
  elapsedMs: number;
  /** When the current running or paused segment began. */
  since: number;
  warned: boolean;
  breached: boolean;
  metAt: number | null;
}

/** The reduced SLA state of one ticket. */
export interface SlaState {
  ticket: SlaTicketAttributes | null;
  /** The matched policy id per kind. */
  policyIds: Partial<Record<ClockKind, string>>;
  clocks: Record<string, ClockState>;
  /** Whether an agent has answered since the last customer message. */
  awaitingAgent: boolean;
  /** The last instant applied. */
  asOf: number;
}

/** Something a clock did that belongs in the timeline. */
export type SlaSignal =
  | {
      type: 'sla.warning' | 'sla.breached';
      at: number;
      clockId: string;
      kind: ClockKind;
      metric: SlaMetric;
      run: number;
      dueAt: number;
    }
  | {
      type: 'sla.met';
      at: number;
      clockId: string;
      kind: ClockKind;
      metric: SlaMetric;
      run: number;
      elapsedMs: number;
      breached: boolean;
    };

/** Result of applying facts. */
export interface SlaStep {
  state: SlaState;
  signals: SlaSignal[];
}

/** Why a clock is where it is, for agents and for the end user's promise. */
export type ClockExplanation =
  | { state: 'running'; dueAt: number; warningAt: number | null; remainingMs: number; breached: false }
  | { state: 'overdue'; dueAt: number; overdueMs: number; breached: true }
  | {
      state: 'outside_hours';
      dueAt: number;
      resumesAt: number | null;
      remainingMs: number;
      breached: boolean;
    }
  | { state: 'paused'; reason: TicketStatus; since: number; remainingMs: number; breached: boolean }
  | { state: 'met'; at: number; elapsedMs: number; breached: boolean }
  | { state: 'stopped'; at: number };
