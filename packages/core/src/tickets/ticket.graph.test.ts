import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, type AnyStateNode, createActor } from 'xstate';
import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import type { SlaPolicy } from '../sla/sla.schema';
import { TIERS } from '../tiers/tier.schema';
import { ms } from './ticket.actions';
import { ticketMachine } from './ticket.machine';
import { sendTicketEvent, startTicket } from './ticket.runtime';
import { TICKET_STATUSES } from './ticket.schema';
import type { TicketContext, TicketEvent, TicketMachineInput } from './ticket.types';

// Model-based test: xstate/graph explores the machine with a sample of every event, and every state
// node and every transition of the definition must be reached; each generated path is then replayed
// through the stateless runtime (persist → restore → send) and must land in the same state.

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
  ];
}

const serialize = (snap: { value: unknown; context: TicketContext }) =>
  JSON.stringify([snap.value, snap.context.ticket.csat !== null, snap.context.snoozeUntil !== null]);

describe('ticket machine — model-based (xstate/graph)', () => {
  const traversal = {
    input,
    events: (snap: { context: TicketContext }) => eventsFor(snap.context),
    serializeState: (snap: { value: unknown; context: TicketContext }) => serialize(snap),
  };
  const paths = getShortestPaths(ticketMachine, traversal);
  // getAdjacencyMap's generics do not accept machines with typed emitted events; the traversal is
  // the same one getShortestPaths ran with.
  const edges = adjacencyMapToArray(
    getAdjacencyMap(
      ticketMachine as unknown as AnyStateMachine,
      traversal as unknown as Record<string, never>,
    ),
  );

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

  it('exercises every transition of the definition', () => {
    // Expected: (region.source, event, region.target) for every transition with a target.
    const expected = new Set<string>();
    for (const region of ['status', 'tier'] as const) {
      const states = ticketMachine.root.states[region]?.states ?? {};
      for (const [name, node] of Object.entries(states) as Array<[string, AnyStateNode]>) {
        if (name === 'init') continue;
        for (const [eventType, defs] of node.transitions) {
          for (const def of defs) {
            const target = def.target?.[0]?.key ?? name;
            expected.add(`${region}.${name} --${eventType}--> ${target}`);
          }
        }
      }
    }
    // Seen: every edge of the explored graph (each reached state × each sample event).
    const seen = new Set<string>();
    for (const edge of edges) {
      const before = edge.state.value as Record<string, string>;
      const after = edge.nextState.value as Record<string, string>;
      for (const region of ['status', 'tier']) {
        seen.add(`${region}.${before[region]} --${edge.event.type}--> ${after[region]}`);
      }
    }
    const missing = [...expected].filter((t) => !seen.has(t));
    expect(missing).toEqual([]);
    expect(expected.size).toBeGreaterThan(60);
  });

  it('every generated path replays through the stateless runtime to the same state', () => {
    expect(paths.length).toBeGreaterThan(50);
    for (const p of paths) {
      let step = startTicket(ticketMachine, input);
      const live = createActor(ticketMachine, { input }).start();
      for (const { event } of p.steps.slice(1)) {
        step = sendTicketEvent(ticketMachine, JSON.parse(JSON.stringify(step.snapshot)), event);
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
