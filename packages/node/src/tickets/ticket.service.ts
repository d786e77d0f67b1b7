import type {
  Actor,
  Attachment,
  EscalationRule,
  Requester,
  RoutingRule,
  SlaEnvironment,
  Ticket,
  TicketChannel,
  TicketPriority,
  TicketTimers,
  Tier,
  TimelineEvent,
} from '@tierdesk/core';
import {
  sendTicketEvent,
  startTicket,
  type TicketEffect,
  type TicketMachine,
  type TicketStep,
  toTicket,
} from '@tierdesk/core/machines';
import type { Clock } from '../clock';
import { ApiError } from '../http/api-error';
import { createId } from '../ids';

import type { SqlDatabase, SqlExecutor } from '../store';
import {
  insertTicket,
  loadTicketForUpdate,
  type StoredTicket,
  takeTicketNumber,
  updateTicket,
} from './ticket.store';

/** The shape of every machine event (what XState calls an EventObject). */
type EventObject = { type: string };
type PersistedSnapshot = Parameters<typeof sendTicketEvent>[1];

/** What one committed ticket change consists of, handed to every {@link ChangeWriter} inside its transaction. */
export interface TicketChange {
  /** The ticket after the change. */
  ticket: Ticket;
  /** The ticket before (null for a new one). */
  previous: Ticket | null;
  /** Timeline events appended by the change, in order. */
  events: readonly TimelineEvent[];
  /** Side effects the machine's named actions asked for (`notify`, `assign`). */
  effects: readonly TicketEffect[];
  /** The ticket's durable timers after the change (epoch ms or null). */
  timers: TicketTimers;
}

/**
 * Writes consequences of a ticket change in the SAME transaction (outbox rows, notifications that
 * are delivered at COMMIT): either the change and all its consequences land, or none does.
 */
export type ChangeWriter = (tx: SqlExecutor, change: TicketChange) => Promise<void>;

/** Policies a new ticket starts under (existing tickets carry theirs in their snapshot). */
export interface TicketPolicies {
  sla: SlaEnvironment;
  escalationRules: EscalationRule[];
  /** The workspace's routing rules, when read with the rest (routing then need not read them again). */
  routingRules?: RoutingRule[];
}

/** Options of {@link createTicketService}. */
export interface TicketServiceOptions<TExtra extends EventObject> {
  db: SqlDatabase;
  /** The ticket machine, possibly extended with the team's own states, events and rules. */
  workflow: TicketMachine<TExtra>;
  clock: Clock;
  /** The policies of a workspace, read when a ticket is created. */
  loadPolicies: (tx: SqlExecutor, workspaceId: string) => Promise<TicketPolicies>;
  /** Consequences written with each change, in order. */
  writers?: readonly ChangeWriter[];
  /** Picks an agent for an `assign` effect (routing); null leaves the ticket unassigned. */
  route?: (
    tx: SqlExecutor,
    request: {
      workspaceId: string;
      ticketId: string;
      tier: Tier;
      groupId: string | null;
      /** The workspace's routing rules when the change already read them (a new ticket). */
      routingRules?: readonly RoutingRule[];
    },
  ) => Promise<string | null>;
}

/** A new ticket. */
export interface CreateTicketArgs {
  workspaceId: string;
  requester: Requester;
  /** Who opened it: the customer, or an agent / integration for a proactive ticket. */
  actor: Actor;
  subject: string;
  body: string;
  attachments?: Attachment[];
  priority?: TicketPriority;
  channel?: TicketChannel;
  tier?: Tier;
  tags?: string[];
  customFields?: Record<string, unknown>;
  diagnostics?: unknown;
  sessionId?: string | undefined;
  selfServiceAttempted?: boolean;
}

/** Which ticket an event is for, and whose it must be. */
export interface TicketRef {
  workspaceId: string;
  ticketId: string;
  /** When set, the ticket must belong to this requester (end-user routes); otherwise it is "not found". */
  requesterId?: string | undefined;
}

/** Options of one dispatch. */
export interface DispatchOptions {
  /** The version the caller last saw (`If-Match`); a different current version is a 412. */
  expectedVersion?: number | undefined;
  /** Run inside this transaction instead of a new one (e.g. with an idempotency record). */
  tx?: SqlExecutor | undefined;
}

/** The event a caller sends: the machine event without the `at` every event carries (the server stamps it). */
export type IncomingEvent<E> = E extends { at: string } ? Omit<E, 'at'> & { at?: string } : E;

/** The ticket service: the stateless actor step behind every ticket route and timer. */
export interface TicketService<TExtra extends EventObject> {
  /** Opens a ticket: its first machine step, persisted with events, timers and consequences. */
  create(args: CreateTicketArgs, options?: { tx?: SqlExecutor | undefined }): Promise<Ticket>;
  /**
   * Sends one event to a ticket: load snapshot + version (row locked), run the machine, write snapshot,
   * events, timers and consequences guarded by the version — all in one transaction. Rejections:
   * `not_found` (missing or someone else's), `precondition_failed` (stale version),
   * `transition_rejected` (the machine does not accept the event now).
   */
  dispatch(
    ref: TicketRef,
    event: IncomingEvent<Parameters<typeof sendTicketEvent<TExtra>>[2]>,
    options?: DispatchOptions,
  ): Promise<Ticket>;
  /** Like dispatch, inside a transaction the caller holds; returns null when the machine ignored the event. */
  dispatchIn(
    tx: SqlExecutor,
    ref: TicketRef,
    event: IncomingEvent<Parameters<typeof sendTicketEvent<TExtra>>[2]>,
    options?: { expectedVersion?: number | undefined; rejectIgnored?: boolean },
  ): Promise<Ticket | null>;
}

/** Creates the ticket service over a database and a (possibly extended) ticket machine. */
export function createTicketService<TExtra extends EventObject = never>(
  options: TicketServiceOptions<TExtra>,
): TicketService<TExtra> {
  const { db, workflow, clock } = options;
  const writers = options.writers ?? [];
  type AnyEvent = Parameters<typeof sendTicketEvent<TExtra>>[2];

  const inTx = <T>(tx: SqlExecutor | undefined, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> =>
    tx === undefined ? db.transaction(fn) : fn(tx);

  async function commit(
    tx: SqlExecutor,
    step: TicketStep,
    previous: StoredTicket | null,
    number: number,
    extra: { diagnostics?: unknown; sessionId?: string | undefined } = {},
    routingRules?: readonly RoutingRule[],
  ): Promise<Ticket> {
    const version = previous === null ? 1 : previous.version + 1;
    const ticket = toTicket(step.context, { number, version, now: clock.now() });
    const write = { ticket, snapshot: step.snapshot, events: step.events, timers: step.timers };
    if (previous === null) {
      await insertTicket(tx, write, extra);
    } else {
      await updateTicket(tx, previous.version, write, () => stale(previous.id));
    }
    const change: TicketChange = {
      ticket,
      previous: previous?.data ?? null,
      events: step.events,
      effects: step.effects,
      timers: step.timers,
    };
    for (const writer of writers) await writer(tx, change);
    return applyRouting(tx, ticket, step.effects, routingRules);
  }

  // An `assign` effect asks routing for an agent of the new tier; the assignment is a step of its own
  // in the same transaction, so it is audited like any other change.
  async function applyRouting(
    tx: SqlExecutor,
    ticket: Ticket,
    effects: readonly TicketEffect[],
    routingRules: readonly RoutingRule[] | undefined,
  ): Promise<Ticket> {
    const assign = [...effects].reverse().find((e) => e.type === 'assign');
    if (assign === undefined || options.route === undefined) return ticket;
    const agentId = await options.route(tx, {
      workspaceId: ticket.workspaceId,
      ticketId: ticket.id,
      tier: assign.tier,
      groupId: assign.groupId,
      ...(routingRules === undefined ? {} : { routingRules }),
    });
    if (agentId === null || agentId === ticket.assigneeId) return ticket;
    const routed = await dispatchIn(
      tx,
      { workspaceId: ticket.workspaceId, ticketId: ticket.id },
      {
        type: 'ASSIGNEE.SET',
        to: agentId,
        actor: { type: 'system', name: 'routing' },
      } as unknown as IncomingEvent<AnyEvent>,
      { rejectIgnored: false },
    );
    return routed ?? ticket;
  }

  async function dispatchIn(
    tx: SqlExecutor,
    ref: TicketRef,
    incoming: IncomingEvent<AnyEvent>,
    dispatchOptions: { expectedVersion?: number | undefined; rejectIgnored?: boolean } = {},
  ): Promise<Ticket | null> {
    const stored = await loadTicketForUpdate(tx, ref.workspaceId, ref.ticketId);
    if (stored === null || (ref.requesterId !== undefined && stored.requesterId !== ref.requesterId)) {
      // Someone else's ticket answers exactly like a missing one: its existence is not revealed.
      throw new ApiError('not_found', 'No such ticket.');
    }
    if (dispatchOptions.expectedVersion !== undefined && dispatchOptions.expectedVersion !== stored.version) {
      throw stale(stored.id, stored.version);
    }
    const event = { at: new Date(clock.now()).toISOString(), ...incoming } as AnyEvent;
    const step = sendTicketEvent(workflow, stored.snapshot as PersistedSnapshot, event);
    if (!step.accepted) {
      if (dispatchOptions.rejectIgnored === false) return null;
      throw new ApiError(
        'transition_rejected',
        `${(event as EventObject).type} is not possible while the ticket is ${stored.data.status}.`,
      );
    }
    return commit(tx, step, stored, stored.number);
  }

  return {
    create(args, createOptions = {}) {
      return inTx(createOptions.tx, async (tx) => {
        const number = await takeTicketNumber(tx, args.workspaceId);
        if (number === null) throw new ApiError('not_found', 'No such workspace.');
        const policies = await options.loadPolicies(tx, args.workspaceId);
        const id = createId('tkt');
        const step = startTicket(workflow, {
          id,
          workspaceId: args.workspaceId,
          subject: args.subject,
          body: args.body,
          messageId: createId('msg'),
          attachments: args.attachments ?? [],
          ...(args.priority === undefined ? {} : { priority: args.priority }),
          ...(args.channel === undefined ? {} : { channel: args.channel }),
          ...(args.tier === undefined ? {} : { tier: args.tier }),
          requester: args.requester,
          tags: args.tags ?? [],
          customFields: args.customFields ?? {},
          createdAt: new Date(clock.now()).toISOString(),
          actor: args.actor,
          sla: policies.sla,
          escalationRules: policies.escalationRules,
          selfServiceAttempted: args.selfServiceAttempted ?? false,
        });
        return commit(
          tx,
          step,
          null,
          number,
          { diagnostics: args.diagnostics, sessionId: args.sessionId },
          policies.routingRules,
        );
      });
    },

    async dispatch(ref, incoming, dispatchOptions = {}) {
      const result = await inTx(dispatchOptions.tx, (tx) =>
        dispatchIn(tx, ref, incoming, { expectedVersion: dispatchOptions.expectedVersion }),
      );
      // rejectIgnored defaults to true, so a result is always there.
      return result as Ticket;
    },

    dispatchIn,
  };
}

function stale(ticketId: string, current?: number): ApiError {
  return new ApiError(
    'precondition_failed',
    `Ticket ${ticketId} changed since you read it${current === undefined ? '' : ` (now version ${current})`}: reload and retry.`,
    current === undefined ? {} : { headers: { etag: `"${current}"` } },
  );
}
