import { describe, expect, it } from 'vitest';
import {
  type AnyStateNode,
  type AnyTransitionDefinition,
  createActor,
  type InspectionEvent,
  type Snapshot,
} from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { SlaPolicy } from '../sla/sla.schema';
import { TIERS } from '../tiers/tier.schema';
import { ms } from './ticket.actions';
import { ticketMachine } from './ticket.machine';
import { sendTicketEvent, startTicket } from './ticket.runtime';
import { TICKET_STATUSES } from './ticket.schema';
import type { TicketContext, TicketEvent, TicketMachineInput } from './ticket.types';

// Model-based test: xstate/graph explores the machine with a sample of every event (only events some
// transition accepts), and every state node must be reached. Each generated path is replayed through
// the stateless runtime (persist → restore → send) and must land in the same state; then every
// accepted sample event is sent once more from the end of every path. The transitions XState really
// took (inspection microsteps: raised and eventless ones included) must cover every transition of
// every state node, the root's included, and the definition itself is pinned below, so neither a
// guard that never passes nor a deleted transition goes unnoticed.

const policy: SlaPolicy = {
  id: 'p',
  name: 'p',
  kind: 'sla',
  active: true,
  position: 0,
  conditions: {},
  targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
  calendarId: null,
  warningFraction: 0.8,
  pauseOn: ['pending', 'on_hold'],
};
const input: TicketMachineInput = {
  id: 't',
  workspaceId: 'w',
  subject: 's',
  body: 'b',
  requester: { id: 'u', tags: [] },
  createdAt: '2026-03-02T09:00:00.000Z',
  tier: 0,
  sla: { policies: [policy], calendars: [] },
  settings: { autoCloseAfterMs: 3_600_000 },
};

const agent = { type: 'agent', id: 'a' } as const;
const customer = { type: 'customer', id: 'u' } as const;

/** A sample of every event, timed one minute after the ticket's last change (timers: when due). */
function eventsFor(context: TicketContext): TicketEvent[] {
  const at = new Date(ms(context.ticket.updatedAt) + 60_000).toISOString();
  const autoCloseAt = context.ticket.solvedAt
    ? new Date(ms(context.ticket.solvedAt) + context.settings.autoCloseAfterMs).toISOString()
    : at;
  const snoozeAt = context.snoozeUntil ? new Date(context.snoozeUntil).toISOString() : at;
  return [
    { type: 'MESSAGE.CUSTOMER', messageId: 'c', body: 'hello', at, actor: customer },
    { type: 'MESSAGE.AGENT', messageId: 'a', body: 'hi', at, actor: agent },
    ...TICKET_STATUSES.map((status) => ({
      type: 'MESSAGE.AGENT' as const,
      messageId: 'a',
      body: 'hi',
      status,
      at,
      actor: agent,
    })),
    { type: 'MESSAGE.BOT', messageId: 'b', body: 'try this', at, actor: { type: 'bot' } },
    ...TICKET_STATUSES.map((to) => ({ type: 'STATUS.SET' as const, to, at, actor: agent })),
    { type: 'STATUS.SET', to: 'pending', until: new Date(ms(at) + 600_000).toISOString(), at, actor: agent },
    ...TIERS.map((to) => ({
      type: 'TIER.ESCALATE' as const,
      to,
      reason: 'needs more',
      ...(to === 4 ? { vendor: { vendor: 'V', reference: 'R' } } : {}),
      at,
      actor: agent,
    })),
    ...TIERS.map((to) => ({ type: 'TIER.DEESCALATE' as const, to, reason: 'back down', at, actor: agent })),
    { type: 'ASSISTANT.ACCEPTED', at, actor: customer },
    { type: 'CSAT.SUBMIT', score: 5, at, actor: customer },
    { type: 'TICKET.MERGE', into: 'other', at, actor: agent },
    { type: 'TIMER.FIRED', key: 'auto_close', at: autoCloseAt, actor: { type: 'system' } },
    { type: 'TIMER.FIRED', key: 'snooze', at: snoozeAt, actor: { type: 'system' } },
    { type: 'PRIORITY.SET', to: context.ticket.priority === 'high' ? 'low' : 'high', at, actor: agent },
    { type: 'ASSIGNEE.SET', to: context.ticket.assigneeId === null ? 'a' : null, at, actor: agent },
    { type: 'TAGS.SET', tags: ['billing'], at, actor: agent },
    { type: 'FIELDS.SET', subject: 'new subject', at, actor: agent },
    { type: 'NOTE.ADD', noteId: 'n', body: 'internal', at, actor: agent },
    { type: 'LINK.PROBLEM', problemId: 'pr', at, actor: agent },
    { type: 'SELF_SERVICE.ATTEMPTED', at, actor: customer },
    { type: 'SLA.TICK', at, actor: { type: 'system' } },
    { type: 'POLICIES.UPDATE', sla: input.sla, at, actor: { type: 'system' } },
  ];
}

const serialize = (snap: { value: unknown; context: TicketContext }) =>
  JSON.stringify([snap.value, snap.context.ticket.csat !== null, snap.context.snoozeUntil !== null]);

/** Every state node of the machine, the root first. */
function allNodes(node: AnyStateNode = ticketMachine.root): AnyStateNode[] {
  return [node, ...Object.values(node.states as Record<string, AnyStateNode>).flatMap((n) => allNodes(n))];
}

/** Each transition definition of the machine, labelled `node | event #index` (`always` for eventless). */
const transitionLabels = new Map<AnyTransitionDefinition, string>();
for (const node of allNodes()) {
  for (const [eventType, defs] of node.transitions as Map<string, AnyTransitionDefinition[]>) {
    for (const [i, def] of defs.entries()) transitionLabels.set(def, `${node.id} | ${eventType} #${i}`);
  }
  for (const [i, def] of (node.always ?? []).entries())
    transitionLabels.set(def, `${node.id} | always #${i}`);
}

/** A live actor that records every transition XState takes in it. */
function recordingActor(taken: Set<string>, start: TicketMachineInput, snapshot?: Snapshot<unknown>) {
  const inspect = (e: InspectionEvent) => {
    if (e.type !== '@xstate.microstep') return;
    for (const def of e._transitions) taken.add(transitionLabels.get(def) ?? `unknown: ${def.eventType}`);
  };
  // With a snapshot the actor is restored from it (the input is then not used).
  return createActor(ticketMachine, { input: start, inspect, ...(snapshot ? { snapshot } : {}) }).start();
}

/** `node: EVENT×n …` per state node with transitions, the shape of the definition. */
function definitionTable(): Record<string, string> {
  const table: Record<string, string> = {};
  for (const node of allNodes()) {
    const parts = [...(node.transitions as Map<string, AnyTransitionDefinition[]>)]
      .map(([type, defs]) => `${type}×${defs.length}`)
      .sort();
    if (node.always?.length) parts.unshift(`always×${node.always.length}`);
    if (parts.length) table[node.id] = parts.join(' ');
  }
  return table;
}

describe('ticket machine — model-based (xstate/graph)', () => {
  const traversal = {
    input,
    events: (snap: { context: TicketContext; can: (event: TicketEvent) => boolean }) =>
      eventsFor(snap.context).filter((event) => snap.can(event)),
    serializeState: (snap: { value: unknown; context: TicketContext }) => serialize(snap),
  };
  const paths = getShortestPaths(ticketMachine, traversal);

  it('reaches every state node', () => {
    const reached = new Set<string>();
    for (const p of paths) {
      const value = p.state.value as { status: string; tier: string };
      reached.add(`status.${value.status}`);
      reached.add(`tier.${value.tier}`);
    }
    const all = ['status', 'tier'].flatMap((region) =>
      Object.keys(ticketMachine.root.states[region]?.states ?? {})
        .filter((s) => s !== 'init')
        .map((s) => `${region}.${s}`),
    );
    expect(all.length).toBe(6 + 5);
    expect([...reached].sort()).toEqual(all.sort());
  });

  it('the definition has the transitions this test was written for', () => {
    const s = 'MESSAGE.BOT×1 MESSAGE.CUSTOMER×1';
    expect(definitionTable()).toEqual({
      ticket:
        'ASSIGNEE.SET×1 FIELDS.SET×1 LINK.PROBLEM×1 NOTE.ADD×1 POLICIES.UPDATE×1 PRIORITY.SET×1 ' +
        'SELF_SERVICE.ATTEMPTED×1 SLA.TICK×1 TAGS.SET×1',
      'ticket.status.init': 'always×6',
      'ticket.status.new': `ASSISTANT.ACCEPTED×1 MESSAGE.AGENT×5 ${s} STATUS.SET×4 TICKET.MERGE×1`,
      'ticket.status.open': `ASSISTANT.ACCEPTED×1 MESSAGE.AGENT×4 ${s} STATUS.SET×3 TICKET.MERGE×1`,
      'ticket.status.pending': `ASSISTANT.ACCEPTED×1 MESSAGE.AGENT×4 ${s} STATUS.SET×3 TICKET.MERGE×1 TIMER.FIRED×1`,
      'ticket.status.on_hold': `MESSAGE.AGENT×4 ${s} STATUS.SET×3 TICKET.MERGE×1`,
      'ticket.status.solved': `CSAT.SUBMIT×1 MESSAGE.AGENT×3 ${s} STATUS.SET×2 TICKET.MERGE×1 TIMER.FIRED×1`,
      'ticket.status.closed': 'CSAT.SUBMIT×1',
      'ticket.tier.init': 'always×5',
      'ticket.tier.tier0': 'TIER.DEESCALATE×0 TIER.ESCALATE×4',
      'ticket.tier.tier1': 'TIER.DEESCALATE×1 TIER.ESCALATE×3',
      'ticket.tier.tier2': 'TIER.DEESCALATE×2 TIER.ESCALATE×2',
      'ticket.tier.tier3': 'TIER.DEESCALATE×3 TIER.ESCALATE×1',
      'ticket.tier.tier4': 'TIER.DEESCALATE×4 TIER.ESCALATE×0',
    });
  });

  it('takes every transition of every state node, the root included', () => {
    const taken = new Set<string>();
    // The transient init states route a stored ticket to its status and tier.
    for (const status of TICKET_STATUSES) recordingActor(taken, { ...input, status }).stop();
    for (const tier of TIERS) recordingActor(taken, { ...input, tier }).stop();
    for (const p of paths) {
      const live = recordingActor(taken, input);
      for (const { event } of p.steps.slice(1)) live.send(event);
      const end = live.getPersistedSnapshot();
      const context = live.getSnapshot().context;
      live.stop();
      // One step further with each accepted sample: the events that do not change the model state.
      for (const event of eventsFor(context)) {
        const next = recordingActor(taken, input, end);
        if (next.getSnapshot().can(event)) next.send(event);
        next.stop();
      }
    }
    const expected = [...transitionLabels.values()];
    expect([...taken].filter((t) => !expected.includes(t))).toEqual([]);
    expect(expected.filter((t) => !taken.has(t))).toEqual([]);
    expect(expected).toHaveLength(97);
  });

  it('every generated path replays through the stateless runtime to the same state', () => {
    expect(paths.length).toBeGreaterThan(50);
    for (const p of paths) {
      let step = startTicket(ticketMachine, input);
      const live = createActor(ticketMachine, { input }).start();
      for (const { event } of p.steps.slice(1)) {
        step = sendTicketEvent(ticketMachine, JSON.parse(JSON.stringify(step.snapshot)), event);
        expect(step.accepted).toBe(true);
        live.send(event);
      }
      expect(live.getSnapshot().value).toEqual(p.state.value);
      expect(step.context).toEqual(live.getSnapshot().context);
      // invariants: a closed ticket has no running clock; every tier change has a reason and an actor
      if (step.context.ticket.status === 'closed') expect(step.timers.sla).toBeNull();
      live.stop();
    }
  });
});
