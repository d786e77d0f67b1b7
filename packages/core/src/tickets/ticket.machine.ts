import {
  type AnyEventObject,
  and,
  type EventObject,
  enqueueActions,
  type MetaObject,
  type NonReducibleUnknown,
  type StateMachine,
  type StateSchema,
  type StateValue,
  setup,
  type Values,
} from 'xstate';
import { initialSlaState } from '../sla/sla.clock';
import type { SlaFact } from '../sla/sla.types';
import type { CustomEscalationRule, EscalationTriggerEvent } from '../tiers/escalation.rules';
import { TIERS, type Tier } from '../tiers/tier.schema';
import { ms, recordStep, replayStep, type StepInput, type StepResult, slaAttributes } from './ticket.actions';
import { isEvent, STATUS_MOVES, ticketGuards } from './ticket.guards';
import { TICKET_STATUSES, type TicketStatus } from './ticket.schema';
import type {
  EventMeta,
  TicketContext,
  TicketEmitted,
  TicketEvent,
  TicketMachineInput,
  TicketSettings,
} from './ticket.types';
import type { TimelineEventDraft } from './timeline.schema';

/** Default workflow settings. */
export const DEFAULT_TICKET_SETTINGS: TicketSettings = {
  autoCloseAfterMs: 4 * 24 * 60 * 60 * 1000,
  requireSelfServiceFirst: false,
};

/** A transition a team adds: target state (built-in or custom), optional named guard and actions. */
export interface WorkflowTransition {
  target: string;
  guard?: string;
  actions?: string[];
}

/** A state a team adds to the status lifecycle. */
export interface WorkflowState<TExtra extends EventObject> {
  /**
   * The built-in status this state reports as: what the API shows, what SLA pause rules see, and
   * which built-in transitions (messages, status changes) the state inherits.
   */
  reportsAs: Exclude<TicketStatus, 'closed' | 'solved'>;
  /** Transitions of this state, overriding inherited ones for the same event. */
  on?: Partial<Record<TExtra['type'] | TicketEvent['type'], WorkflowTransition | WorkflowTransition[]>>;
  /** Named actions run on entry / exit. */
  entry?: string[];
  exit?: string[];
}

/** Arguments the extension's guards and actions receive. */
export interface WorkflowArgs<TExtra extends EventObject> {
  context: TicketContext;
  event: TicketEvent | TExtra;
}

/** Arguments the extension's actions receive: its guards' plus a way to ask the host for a side effect. */
export interface WorkflowActionArgs<TExtra extends EventObject> extends WorkflowArgs<TExtra> {
  /**
   * Asks the host for a side effect: emits a `WorkflowEffect` (`{ type: 'workflow', name,
   * ticketId, data }`) that the stateless step returns in `effects` and the server hands to its
   * change writers in the change's transaction. Actions stay pure: the work itself (an HTTP call,
   * a page) happens after the change commits, never inside the machine.
   */
  emit(name: string, data?: Record<string, unknown>): void;
}

/** Named actions a team runs when a ticket enters or leaves a tier (e.g. page the on-call at L3). */
export interface WorkflowTierHooks {
  entry?: string[];
  exit?: string[];
}

/**
 * A team's extension of the ticket workflow, without forking: extra states and events, transitions
 * from built-in states into them, named guards and actions, and escalation rules written as code.
 * Every extra event must carry `at` and `actor` like the built-in ones.
 */
export interface TicketWorkflowExtension<TExtra extends EventObject & EventMeta = never> {
  states?: Record<string, WorkflowState<TExtra>>;
  /** Transitions added to built-in status states, keyed by state then event type. */
  transitions?: Partial<
    Record<TicketStatus, Partial<Record<TExtra['type'], WorkflowTransition | WorkflowTransition[]>>>
  >;
  /**
   * Named actions run when the ticket enters or leaves a tier, by escalation, de-escalation or
   * creation at that tier (a restored snapshot enters nothing).
   */
  tiers?: Partial<Record<Tier, WorkflowTierHooks>>;
  guards?: Record<string, (args: WorkflowArgs<TExtra>) => boolean>;
  /**
   * Named actions. They run while the step is computed (also when a tool such as `xstate/graph`
   * explores the machine), so keep them pure and hand side effects to the host with `emit`.
   */
  actions?: Record<string, (args: WorkflowActionArgs<TExtra>) => void>;
  escalationRules?: CustomEscalationRule[];
}

// Every transition is guarded by `actorMayAct`, so an event reaching an action carries `at` and
// `actor`; only XState's own init event (creation, transient routing) has neither.
const metaOf = (event: AnyEventObject, context: TicketContext): EventMeta =>
  typeof (event as unknown as Partial<EventMeta>).at === 'string'
    ? {
        at: (event as unknown as EventMeta).at,
        actor: (event as unknown as Partial<EventMeta>).actor ?? { type: 'system' },
      }
    : { at: context.ticket.updatedAt, actor: { type: 'system' } };

/** Builds the initial context from input. */
function initialContext(input: TicketMachineInput): TicketContext {
  const status = input.status ?? 'new';
  return {
    ticket: {
      id: input.id,
      workspaceId: input.workspaceId,
      subject: input.subject,
      status,
      workflowState: status,
      priority: input.priority ?? 'normal',
      tier: input.tier ?? 1,
      channel: input.channel ?? 'widget',
      requester: { ...input.requester, tags: input.requester.tags ?? [] },
      assigneeId: null,
      groupId: null,
      tags: input.tags ?? [],
      customFields: input.customFields ?? {},
      csat: null,
      links: {},
      vendor: null,
      reopenCount: 0,
      createdAt: input.createdAt,
      updatedAt: input.createdAt,
      solvedAt: null,
    },
    settings: { ...DEFAULT_TICKET_SETTINGS, ...input.settings },
    sla: initialSlaState(),
    slaFacts: [],
    slaEnv: input.sla ?? { policies: [], calendars: [] },
    escalationRules: input.escalationRules ?? [],
    firedSignals: [],
    firedRules: [],
    tierHistory: [],
    selfServiceAttempted: input.selfServiceAttempted ?? false,
    snoozeUntil: null,
    seq: 0,
  };
}

/**
 * Creates the ticket machine, optionally extended with a team's own states, events, guards,
 * actions and escalation rules. The machine is pure: every event carries its instant and actor,
 * timeline events are emitted (`actor.on('timeline', …)`), timers are data
 * ({@link selectTimers}), and side effects are the named actions `notify` and `requestAssignment`
 * that hosts replace with `.provide()`.
 */
export function createTicketMachine<TExtra extends EventObject & EventMeta = never>(
  extension: TicketWorkflowExtension<TExtra> = {},
) {
  const customRules = extension.escalationRules ?? [];
  const extGuards = extension.guards ?? {};
  const extActions = extension.actions ?? {};

  const step = (context: TicketContext, input: StepInput) => recordStep(context, input, customRules);

  const guards = {
    ...ticketGuards,
    /** Runs a guard the extension named. */
    custom: (
      { context, event }: { context: TicketContext; event: { type: string } },
      params: { name: string },
    ) => {
      const guard = extGuards[params.name];
      if (!guard) throw new Error(`unknown workflow guard "${params.name}"`);
      return guard({ context, event: event as TicketEvent | TExtra });
    },
  };

  const s = setup({
    types: {
      context: {} as TicketContext,
      events: {} as TicketEvent,
      input: {} as TicketMachineInput,
      emitted: {} as TicketEmitted,
    },
    guards,
    actions: {
      /** Notifies the requester or agents. Default: emits `notify` for the host. */
      notify: enqueueActions(
        ({ context, enqueue }, params: { reason: Extract<TicketEmitted, { type: 'notify' }>['reason'] }) => {
          enqueue.emit({ type: 'notify', reason: params.reason, ticketId: context.ticket.id });
        },
      ),
      /** Routes the ticket within its tier. Default: emits `assign` for the host's router. */
      requestAssignment: enqueueActions(({ context, enqueue }) => {
        enqueue.emit({
          type: 'assign',
          ticketId: context.ticket.id,
          tier: context.ticket.tier,
          groupId: context.ticket.groupId,
        });
      }),
      custom: enqueueActions(({ context, event, enqueue }, params: { name: string }) => {
        const action = extActions[params.name];
        if (!action) throw new Error(`unknown workflow action "${params.name}"`);
        action({
          context,
          event: event as TicketEvent | TExtra,
          emit: (name, data = {}) =>
            enqueue.emit({ type: 'workflow', name, ticketId: context.ticket.id, data }),
        });
      }),
      record: enqueueActions(({ context, event, enqueue }, params: { kind: RecordKind }) => {
        const input = recordInput(context, event, params.kind);
        if (!input) return;
        const result = step(context, input);
        commitStep(enqueue, result, input.at);
      }),
      replay: enqueueActions(({ context, event, enqueue }) => {
        if (!isEvent(event, 'POLICIES.UPDATE')) return;
        const next: TicketContext = {
          ...context,
          slaEnv: event.sla ?? context.slaEnv,
          escalationRules: event.escalationRules ?? context.escalationRules,
        };
        const result = replayStep(next, event.at, customRules);
        commitStep(enqueue, result, event.at);
      }),
      enterStatus: enqueueActions(
        ({ context, event, enqueue }, params: { status: TicketStatus; state: string }) => {
          const t = context.ticket;
          if (t.status === params.status && t.workflowState === params.state) return;
          const { at, actor } = metaOf(event, context);
          const reopened = t.status === 'solved' && params.status !== 'closed';
          // A team's own event may say why (e.g. why an approval was rejected): it is recorded too.
          const customReason = (event as { reason?: unknown }).reason;
          const reason = isEvent(event, 'STATUS.SET')
            ? event.reason
            : isEvent(event, 'TIMER.FIRED')
              ? event.key === 'snooze'
                ? 'snooze ended'
                : 'closed automatically after being solved'
              : typeof customReason === 'string' && customReason.trim() !== ''
                ? customReason.trim()
                : undefined;
          const draft: TimelineEventDraft = {
            type: 'status.changed',
            at,
            actor,
            from: t.status,
            to: params.status,
            ...(params.state !== params.status ? { state: params.state } : {}),
            ...(reason ? { reason } : {}),
          };
          const facts: SlaFact[] =
            t.status !== params.status ? [{ type: 'status', at: ms(at), to: params.status }] : [];
          const triggers: EscalationTriggerEvent[] = reopened ? [{ on: 'reopen_count' }] : [];
          const snoozeUntil =
            params.status === 'pending' && isEvent(event, 'STATUS.SET') && event.until
              ? ms(event.until)
              : null;
          const result = step(
            { ...context, snoozeUntil },
            {
              at,
              drafts: [draft],
              facts,
              triggers,
              patch: {
                status: params.status,
                workflowState: params.state,
                solvedAt: params.status === 'solved' ? at : params.status === 'closed' ? t.solvedAt : null,
                reopenCount: t.reopenCount + (reopened ? 1 : 0),
              },
            },
          );
          commitStep(enqueue, result, at);
        },
      ),
      changeTier: enqueueActions(({ context, event, enqueue }, params: { to: Tier }) => {
        const t = context.ticket;
        if (!isEvent(event, 'TIER.ESCALATE') && !isEvent(event, 'TIER.DEESCALATE')) return;
        const { at, actor } = metaOf(event, context);
        const vendor =
          isEvent(event, 'TIER.ESCALATE') && event.vendor
            ? { vendor: event.vendor.vendor.trim(), reference: event.vendor.reference.trim() }
            : undefined;
        const drafts: TimelineEventDraft[] = [
          {
            type: 'tier.changed',
            at,
            actor,
            from: t.tier,
            to: params.to,
            reason: event.reason.trim(),
            ...(isEvent(event, 'TIER.ESCALATE') && event.ruleId ? { ruleId: event.ruleId } : {}),
            ...(vendor ? { vendor } : {}),
          },
        ];
        // Routing assigns within the new tier, so the previous tier's assignee lets go.
        if (t.assigneeId !== null)
          drafts.push({ type: 'assignee.changed', at, actor, from: t.assigneeId, to: null });
        const result = step(
          { ...context, tierHistory: [...context.tierHistory, t.tier] },
          {
            at,
            drafts,
            facts: [{ type: 'attributes', at: ms(at), changes: { tier: params.to } }],
            patch: {
              tier: params.to,
              assigneeId: null,
              vendor:
                params.to === 4 && vendor ? { ...vendor, since: at } : params.to === 4 ? t.vendor : null,
            },
          },
        );
        enqueue.assign(() => result.context);
        for (const e of result.events) enqueue.emit({ type: 'timeline', event: e });
        // L4 waits on the vendor; coming back from L4 resumes work.
        if (params.to === 4 && t.status !== 'on_hold') {
          enqueue.raise({
            type: 'STATUS.SET',
            to: 'on_hold',
            reason: 'waiting on vendor',
            at,
            actor: { type: 'system' },
          });
        } else if (t.tier === 4 && t.status === 'on_hold') {
          enqueue.raise({
            type: 'STATUS.SET',
            to: 'open',
            reason: 'back from vendor',
            at,
            actor: { type: 'system' },
          });
        }
      }),
    },
  });

  // ——— the status region, built from data so teams can add states ———
  type Transition = { target?: string; guard?: unknown; actions?: unknown[]; reenter?: boolean };
  type StateConfig = {
    entry?: unknown[];
    exit?: unknown[];
    on?: Record<string, Transition | Transition[]>;
    always?: Transition[];
  };

  const recordAction = (kind: RecordKind) => ({ type: 'record' as const, params: { kind } });
  const to = (target: string, extra: Partial<Transition> = {}): Transition => ({
    target: `#ticket.status.${target}`,
    ...extra,
  });

  const baseOn = (status: TicketStatus): Record<string, Transition | Transition[]> => {
    if (status === 'closed') return { 'CSAT.SUBMIT': { guard: 'canRate', actions: [recordAction('csat')] } };
    const moves = STATUS_MOVES[status];
    const customerTarget =
      status === 'pending' || status === 'on_hold' || status === 'solved' ? 'open' : undefined;
    const replyDefault = status === 'new' ? 'open' : undefined;
    const on: Record<string, Transition | Transition[]> = {
      'MESSAGE.CUSTOMER': customerTarget
        ? to(customerTarget, { actions: [recordAction('customer_message')] })
        : { actions: [recordAction('customer_message')] },
      'MESSAGE.AGENT': [
        ...moves.map((m) =>
          to(m, {
            guard: { type: 'replySetsStatus', params: { to: m } },
            actions: [recordAction('agent_message')],
          }),
        ),
        replyDefault
          ? to(replyDefault, {
              actions: [recordAction('agent_message'), { type: 'notify', params: { reason: 'agent_reply' } }],
            })
          : {
              actions: [recordAction('agent_message'), { type: 'notify', params: { reason: 'agent_reply' } }],
            },
      ],
      'MESSAGE.BOT': { actions: [recordAction('bot_message')] },
      'STATUS.SET': moves.map((m) => to(m, { guard: { type: 'statusSetTo', params: { to: m } } })),
      'TICKET.MERGE': to('closed', { guard: 'canMerge', actions: [recordAction('merge')] }),
    };
    if (status === 'solved') {
      on['TIMER.FIRED'] = to('closed', { guard: 'autoCloseDue' });
      on['CSAT.SUBMIT'] = { guard: 'canRate', actions: [recordAction('csat')] };
    }
    if (status === 'pending') on['TIMER.FIRED'] = to('open', { guard: 'snoozeDue' });
    if (status === 'new' || status === 'open' || status === 'pending') {
      on['ASSISTANT.ACCEPTED'] = to('solved', {
        guard: 'isAtTierZero',
        actions: [recordAction('deflected')],
      });
    }
    return on;
  };

  const toXstate = (t: WorkflowTransition): Transition => ({
    target: `#ticket.status.${t.target}`,
    ...(t.guard ? { guard: { type: 'custom', params: { name: t.guard } } } : {}),
    actions: (t.actions ?? []).map((name) => ({ type: 'custom', params: { name } })),
  });
  const list = (t: WorkflowTransition | WorkflowTransition[] | undefined) =>
    t ? (Array.isArray(t) ? t : [t]) : [];

  const statusStates: Record<string, StateConfig> = {
    init: {
      always: [
        ...TICKET_STATUSES.map((st) => ({
          target: st,
          guard: { type: 'initialStateIs', params: { state: st } },
        })),
        ...Object.keys(extension.states ?? {}).map((st) => ({
          target: st,
          guard: { type: 'initialStateIs', params: { state: st } },
        })),
      ],
    },
  };
  for (const status of TICKET_STATUSES) {
    const on = baseOn(status);
    for (const [type, t] of Object.entries(extension.transitions?.[status] ?? {})) {
      const added = list(t as WorkflowTransition | WorkflowTransition[]).map(toXstate);
      const existing = on[type];
      on[type] = [...added, ...(existing ? (Array.isArray(existing) ? existing : [existing]) : [])];
    }
    statusStates[status] = {
      entry: [
        { type: 'enterStatus', params: { status, state: status } },
        ...(status === 'solved' ? [{ type: 'notify', params: { reason: 'csat_request' } }] : []),
      ],
      on,
    };
  }
  for (const [name, state] of Object.entries(extension.states ?? {})) {
    if (name in statusStates) throw new Error(`workflow state "${name}" already exists`);
    const on = baseOn(state.reportsAs);
    for (const [type, t] of Object.entries(state.on ?? {})) {
      on[type] = list(t as WorkflowTransition | WorkflowTransition[]).map(toXstate);
    }
    statusStates[name] = {
      entry: [
        { type: 'enterStatus', params: { status: state.reportsAs, state: name } },
        ...(state.entry ?? []).map((n) => ({ type: 'custom', params: { name: n } })),
      ],
      exit: (state.exit ?? []).map((n) => ({ type: 'custom', params: { name: n } })),
      on,
    };
  }

  // ——— the tier region: one state per tier, moves are guarded transitions ———
  const tierStates: Record<string, StateConfig> = {
    init: {
      always: TIERS.map((tier) => ({
        target: `tier${tier}`,
        guard: { type: 'initialTierIs', params: { tier } },
      })),
    },
  };
  const customActions = (names: string[] | undefined) =>
    (names ?? []).map((name) => ({ type: 'custom', params: { name } }));
  for (const tier of TIERS) {
    const hooks = extension.tiers?.[tier];
    tierStates[`tier${tier}`] = {
      ...(hooks?.entry ? { entry: customActions(hooks.entry) } : {}),
      ...(hooks?.exit ? { exit: customActions(hooks.exit) } : {}),
      on: {
        'TIER.ESCALATE': TIERS.filter((k) => k > tier).map((k) => ({
          target: `tier${k}`,
          guard: { type: 'canEscalateTo', params: { to: k } },
          actions: [
            { type: 'changeTier', params: { to: k } },
            { type: 'notify', params: { reason: 'escalated' } },
            'requestAssignment',
          ],
        })),
        'TIER.DEESCALATE': TIERS.filter((k) => k < tier).map((k) => ({
          target: `tier${k}`,
          guard: { type: 'canDeescalateTo', params: { to: k } },
          actions: [{ type: 'changeTier', params: { to: k } }, 'requestAssignment'],
        })),
      },
    };
  }

  const open = { guard: 'isNotClosed' };
  const config = {
    id: 'ticket',
    type: 'parallel',
    context: ({ input }: { input: TicketMachineInput }) => initialContext(input),
    entry: [recordAction('created'), 'requestAssignment'],
    on: {
      'PRIORITY.SET': { ...open, actions: [recordAction('priority')] },
      'ASSIGNEE.SET': { ...open, actions: [recordAction('assignee')] },
      'TAGS.SET': { ...open, actions: [recordAction('tags')] },
      'FIELDS.SET': { ...open, actions: [recordAction('fields')] },
      'NOTE.ADD': { actions: [recordAction('note')] },
      'LINK.PROBLEM': { ...open, actions: [recordAction('problem')] },
      'SELF_SERVICE.ATTEMPTED': { actions: [recordAction('self_service')] },
      'SLA.TICK': { actions: [recordAction('tick')] },
      'POLICIES.UPDATE': { actions: ['replay'] },
    },
    states: {
      status: { initial: 'init', states: statusStates },
      tier: { initial: 'init', states: tierStates },
    },
  };
  // Every event-driven transition, built-in or a team's, first checks who sent the event.
  const requireActor = (on: StateConfig['on']) => {
    if (!on) return;
    for (const [type, t] of Object.entries(on)) {
      on[type] = (Array.isArray(t) ? t : [t]).map((one) => ({
        ...one,
        guard: one.guard === undefined ? 'actorMayAct' : and(['actorMayAct', one.guard as never]),
      }));
    }
  };
  requireActor(config.on as StateConfig['on']);
  for (const state of [...Object.values(statusStates), ...Object.values(tierStates)]) requireActor(state.on);

  // The config is assembled from data (so teams can extend it); XState checks it at runtime and
  // the public type below states the events it accepts.
  const machine = s.createMachine(config as unknown as Parameters<typeof s.createMachine>[0]);
  return machine as unknown as TicketMachine<TExtra>;
}

/** Where a step's results go: the context, the emitted timeline, and a raised rule escalation. */
interface StepSink {
  assign(assigner: () => TicketContext): void;
  emit(event: TicketEmitted): void;
  raise(event: TicketEvent): void;
}

/** Commits a step: assigns the context, emits its timeline events, raises what a rule decided. */
function commitStep(enqueue: StepSink, result: StepResult, at: string): void {
  enqueue.assign(() => result.context);
  for (const event of result.events) enqueue.emit({ type: 'timeline', event });
  if (result.escalation) {
    const { to, reason, ruleId } = result.escalation;
    enqueue.raise({ type: 'TIER.ESCALATE', to, reason, ruleId, at, actor: { type: 'system' } });
  }
}

/** Kinds of recording steps (one named action, parameterised, keeps the machine config small). */
type RecordKind =
  | 'created'
  | 'customer_message'
  | 'agent_message'
  | 'bot_message'
  | 'note'
  | 'priority'
  | 'assignee'
  | 'tags'
  | 'fields'
  | 'problem'
  | 'self_service'
  | 'tick'
  | 'csat'
  | 'merge'
  | 'deflected';

/** Maps an event to what it records: timeline drafts, SLA facts, escalation triggers, field patches. */
function recordInput(
  context: TicketContext,
  event: TicketEvent | AnyEventObject,
  kind: RecordKind,
): StepInput | null {
  const t = context.ticket;
  const { at, actor } = metaOf(event, context);
  const atMs = ms(at);
  switch (kind) {
    case 'created': {
      const drafts: TimelineEventDraft[] = [
        {
          type: 'ticket.created',
          at: t.createdAt,
          actor: (event as { input?: TicketMachineInput }).input?.actor ?? {
            type: 'customer',
            id: t.requester.id,
          },
          subject: t.subject,
          status: t.status,
          priority: t.priority,
          tier: t.tier,
          channel: t.channel,
          requester: t.requester,
          tags: t.tags,
        },
      ];
      const input = (event as { input?: TicketMachineInput }).input;
      const creator = input?.actor ?? { type: 'customer' as const, id: t.requester.id };
      if (input?.body) {
        drafts.push({
          type: 'message.public',
          at: t.createdAt,
          actor: creator,
          messageId: input.messageId ?? `${t.id}-m0`,
          role: creator.type === 'customer' ? 'customer' : creator.type === 'bot' ? 'bot' : 'agent',
          body: input.body,
          attachments: input.attachments ?? [],
        });
      }
      return {
        at: t.createdAt,
        drafts,
        facts: [
          {
            type: 'created',
            at: ms(t.createdAt),
            ticket: slaAttributes(t),
            byCustomer: creator.type === 'customer',
          },
        ],
        triggers: [{ on: 'priority' }, { on: 'tags', text: input?.body ?? '' }],
      };
    }
    case 'customer_message':
    case 'agent_message':
    case 'bot_message': {
      if (!('messageId' in event) || !('body' in event)) return null;
      const e = event as Extract<TicketEvent, { type: 'MESSAGE.CUSTOMER' }>;
      const role = kind === 'customer_message' ? 'customer' : kind === 'agent_message' ? 'agent' : 'bot';
      return {
        at,
        drafts: [
          {
            type: 'message.public',
            at,
            actor,
            messageId: e.messageId,
            role,
            body: e.body,
            attachments: e.attachments ?? [],
          },
        ],
        facts:
          role === 'customer'
            ? [{ type: 'customer_message', at: atMs }]
            : role === 'agent'
              ? [{ type: 'agent_message', at: atMs }]
              : [],
        triggers: role === 'customer' ? [{ on: 'tags', text: e.body }] : [],
        ...(role === 'bot' ? { selfService: true } : {}),
      };
    }
    case 'note': {
      if (!isEvent(event, 'NOTE.ADD')) return null;
      return { at, drafts: [{ type: 'note.internal', at, actor, noteId: event.noteId, body: event.body }] };
    }
    case 'priority': {
      if (!isEvent(event, 'PRIORITY.SET') || event.to === t.priority) return null;
      return {
        at,
        drafts: [{ type: 'priority.changed', at, actor, from: t.priority, to: event.to }],
        facts: [{ type: 'attributes', at: atMs, changes: { priority: event.to } }],
        triggers: [{ on: 'priority' }],
        patch: { priority: event.to },
      };
    }
    case 'assignee': {
      if (!isEvent(event, 'ASSIGNEE.SET') || event.to === t.assigneeId) return null;
      return {
        at,
        drafts: [{ type: 'assignee.changed', at, actor, from: t.assigneeId, to: event.to }],
        patch: { assigneeId: event.to },
      };
    }
    case 'tags': {
      if (!isEvent(event, 'TAGS.SET')) return null;
      const next = [...new Set(event.tags)];
      const added = next.filter((x) => !t.tags.includes(x));
      const removed = t.tags.filter((x) => !next.includes(x));
      if (!added.length && !removed.length) return null;
      return {
        at,
        drafts: [{ type: 'tags.changed', at, actor, added, removed }],
        triggers: [{ on: 'tags' }],
        patch: { tags: next },
      };
    }
    case 'fields': {
      if (!isEvent(event, 'FIELDS.SET')) return null;
      return {
        at,
        patch: {
          ...(event.subject !== undefined ? { subject: event.subject } : {}),
          ...(event.groupId !== undefined ? { groupId: event.groupId } : {}),
          ...(event.customFields !== undefined
            ? { customFields: { ...t.customFields, ...event.customFields } }
            : {}),
          updatedAt: at,
        },
      };
    }
    case 'problem': {
      if (!isEvent(event, 'LINK.PROBLEM')) return null;
      const links = { ...t.links };
      if (event.problemId) links.problemId = event.problemId;
      else delete links.problemId;
      return { at, patch: { links, updatedAt: at } };
    }
    case 'self_service':
      return { at, selfService: true };
    case 'tick':
      return { at, facts: [{ type: 'tick', at: atMs }] };
    case 'csat': {
      if (!isEvent(event, 'CSAT.SUBMIT')) return null;
      const csat = { score: event.score, at, ...(event.comment ? { comment: event.comment } : {}) };
      return { at, drafts: [{ type: 'csat.submitted', at, actor, csat }], patch: { csat } };
    }
    case 'merge': {
      if (!isEvent(event, 'TICKET.MERGE')) return null;
      return {
        at,
        drafts: [{ type: 'ticket.merged', at, actor, into: event.into }],
        patch: { links: { ...t.links, mergedInto: event.into } },
      };
    }
    case 'deflected': {
      if (!isEvent(event, 'ASSISTANT.ACCEPTED')) return null;
      return {
        at,
        drafts: [
          { type: 'ticket.deflected', at, actor, ...(event.articleId ? { articleId: event.articleId } : {}) },
        ],
      };
    }
  }
}

/** The default ticket machine (no extension). */
export const ticketMachine = createTicketMachine();

/**
 * The type of a ticket machine, accepting the built-in events plus a team's `TExtra` events.
 * Derived from the built-in machine so snapshots, `.provide()` and `createActor` stay fully typed.
 */
export type TicketMachine<TExtra extends EventObject = never> = [TExtra] extends [never]
  ? BaseTicketMachine
  : ExtendedMachine<TExtra>;

type TicketMachineOf<TEvent extends EventObject> = StateMachine<
  TicketContext,
  TEvent,
  Record<string, never>,
  never,
  Values<{
    notify: { type: 'notify'; params: { reason: Extract<TicketEmitted, { type: 'notify' }>['reason'] } };
    requestAssignment: { type: 'requestAssignment'; params: undefined };
  }>,
  never,
  never,
  StateValue,
  string,
  TicketMachineInput,
  NonReducibleUnknown,
  TicketEmitted,
  MetaObject,
  StateSchema
>;
type BaseTicketMachine = TicketMachineOf<TicketEvent>;
type ExtendedMachine<TExtra extends EventObject> = TicketMachineOf<TicketEvent | TExtra>;
