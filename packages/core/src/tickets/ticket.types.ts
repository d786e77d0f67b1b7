import type { Actor } from '../shared/primitives.schema';
import type { SlaEnvironment, SlaFact, SlaState } from '../sla/sla.types';
import type { CustomEscalationRule } from '../tiers/escalation.rules';
import type { EscalationRule } from '../tiers/escalation.schema';
import type { Tier, VendorReference } from '../tiers/tier.schema';
import type {
  Csat,
  Requester,
  TicketChannel,
  TicketLinks,
  TicketPriority,
  TicketStatus,
} from './ticket.schema';
import type { Attachment, TimelineEvent } from './timeline.schema';

/** Every event carries when it happened and who did it, so a machine run is a pure replay. */
export interface EventMeta {
  /** ISO instant of the event. */
  at: string;
  actor: Actor;
}

/** The events the ticket machine understands. */
export type TicketEvent =
  | ({ type: 'MESSAGE.CUSTOMER'; messageId: string; body: string; attachments?: Attachment[] } & EventMeta)
  | ({
      type: 'MESSAGE.AGENT';
      messageId: string;
      body: string;
      attachments?: Attachment[];
      /** Set the status in the same step (e.g. reply and set pending). */
      status?: TicketStatus;
    } & EventMeta)
  | ({ type: 'MESSAGE.BOT'; messageId: string; body: string } & EventMeta)
  | ({ type: 'NOTE.ADD'; noteId: string; body: string } & EventMeta)
  | ({
      type: 'STATUS.SET';
      to: TicketStatus;
      reason?: string;
      /** With `to: 'pending'`: reopen the ticket at this ISO instant if nobody answered (snooze). */
      until?: string;
    } & EventMeta)
  | ({ type: 'PRIORITY.SET'; to: TicketPriority } & EventMeta)
  | ({ type: 'ASSIGNEE.SET'; to: string | null } & EventMeta)
  | ({ type: 'TAGS.SET'; tags: string[] } & EventMeta)
  | ({
      type: 'FIELDS.SET';
      subject?: string;
      groupId?: string | null;
      customFields?: Record<string, unknown>;
    } & EventMeta)
  | ({
      type: 'TIER.ESCALATE';
      /** Target tier; one up when omitted. */
      to?: Tier;
      reason: string;
      ruleId?: string;
      vendor?: { vendor: string; reference: string };
    } & EventMeta)
  | ({ type: 'TIER.DEESCALATE'; to: Tier; reason: string } & EventMeta)
  | ({ type: 'SELF_SERVICE.ATTEMPTED' } & EventMeta)
  | ({ type: 'ASSISTANT.ACCEPTED'; articleId?: string } & EventMeta)
  | ({ type: 'CSAT.SUBMIT'; score: number; comment?: string } & EventMeta)
  | ({ type: 'TICKET.MERGE'; into: string } & EventMeta)
  | ({ type: 'LINK.PROBLEM'; problemId: string | null } & EventMeta)
  /** Time passed (a durable timer fired): lets SLA clocks fire warnings and breaches. */
  | ({ type: 'SLA.TICK' } & EventMeta)
  /** A named timer fired (`auto_close`, `snooze`). */
  | ({ type: 'TIMER.FIRED'; key: TimerKey } & EventMeta)
  /** Policies, calendars or rules changed: clocks are recomputed from the timeline. */
  | ({
      type: 'POLICIES.UPDATE';
      sla?: SlaEnvironment;
      escalationRules?: EscalationRule[];
    } & EventMeta);

/** The names of machine timers. */
export type TimerKey = 'sla' | 'auto_close' | 'snooze';

/** When each timer is due (epoch ms), null when it is not set. The host makes them durable. */
export type TicketTimers = Record<TimerKey, number | null>;

/** Workflow settings of a workspace. */
export interface TicketSettings {
  /** Solved tickets close after this long without activity (default 4 days). */
  autoCloseAfterMs: number;
  /** Leaving Tier 0 needs a recorded self-service attempt (an article view, search or bot answer). */
  requireSelfServiceFirst: boolean;
}

/** The ticket fields the machine owns (the stored ticket is this plus id/number/sla/version). */
export interface TicketData {
  id: string;
  workspaceId: string;
  subject: string;
  status: TicketStatus;
  workflowState: string;
  priority: TicketPriority;
  tier: Tier;
  channel: TicketChannel;
  requester: Requester;
  assigneeId: string | null;
  groupId: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  csat: Csat | null;
  links: TicketLinks;
  vendor: VendorReference | null;
  reopenCount: number;
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
}

/** The ticket machine's context. */
export interface TicketContext {
  ticket: TicketData;
  settings: TicketSettings;
  sla: SlaState;
  /** SLA-relevant facts so far, to recompute clocks when policies change. */
  slaFacts: SlaFact[];
  slaEnv: SlaEnvironment;
  escalationRules: EscalationRule[];
  /** Keys (`clockId:run:type`) of SLA signals already written to the timeline. */
  firedSignals: string[];
  /** Ids of non-SLA rules that already fired on this ticket. */
  firedRules: string[];
  /** Every tier the ticket has been escalated from (bounce-back detection). */
  tierHistory: Tier[];
  selfServiceAttempted: boolean;
  /** Snooze: reopen a pending ticket at this instant (epoch ms) unless it moved on. */
  snoozeUntil: number | null;
  /** Last timeline sequence number written. */
  seq: number;
}

/** Input to start a ticket machine for a new ticket. */
export interface TicketMachineInput {
  id: string;
  workspaceId: string;
  subject: string;
  /** The first message (customer's for widget/email tickets; agent's for proactive ones). */
  body?: string;
  messageId?: string;
  /** Attachments of the first message. */
  attachments?: Attachment[];
  status?: TicketStatus;
  priority?: TicketPriority;
  tier?: Tier;
  channel?: TicketChannel;
  requester: Requester;
  tags?: string[];
  customFields?: Record<string, unknown>;
  /** ISO instant of creation. */
  createdAt: string;
  /** Who opened it (customer by default). */
  actor?: Actor;
  sla?: SlaEnvironment;
  escalationRules?: EscalationRule[];
  settings?: Partial<TicketSettings>;
  /** The requester tried self-service before opening the ticket. */
  selfServiceAttempted?: boolean;
}

/** What the ticket machine emits for its host. */
export type TicketEmitted =
  | { type: 'timeline'; event: TimelineEvent }
  | { type: 'notify'; reason: 'agent_reply' | 'status' | 'csat_request' | 'escalated'; ticketId: string }
  | { type: 'assign'; ticketId: string; tier: Tier; groupId: string | null }
  | WorkflowEffect;

/**
 * A side effect a team's own named action asks the host for (page the on-call, tell a CRM). Like
 * `notify` and `assign`, it is data: the server hands it to its `ChangeWriter`s inside the change's
 * transaction, so it can be written to an outbox and carried out after the change commits.
 */
export interface WorkflowEffect {
  type: 'workflow';
  /** What the team's action asks for, e.g. `page_on_call`. */
  name: string;
  ticketId: string;
  data: Record<string, unknown>;
}

/** Custom escalation rules, re-exported for convenience of extension authors. */
export type { CustomEscalationRule };
