import {
  type AnyActorLogic,
  type AnyMachineSnapshot,
  createActor,
  type EventObject,
  type Snapshot,
} from 'xstate';
import { summarizeClocks } from '../sla/sla.clock';
import { selectTimers } from './ticket.actions';
import type { TicketMachine } from './ticket.machine';
import type { Ticket } from './ticket.schema';
import type {
  TicketContext,
  TicketEmitted,
  TicketEvent,
  TicketMachineInput,
  TicketTimers,
} from './ticket.types';
import type { TimelineEvent } from './timeline.schema';

/** Side effects a step asked for (everything emitted except timeline events). */
export type TicketEffect = Exclude<TicketEmitted, { type: 'timeline' }>;

/** The outcome of one stateless step: what to persist, in one transaction, and what to do after. */
export interface TicketStep {
  /** Whether the event was accepted (a transition was enabled for it). */
  accepted: boolean;
  /** The persisted snapshot to store (JSON-serialisable). */
  snapshot: Snapshot<unknown>;
  context: TicketContext;
  /** New timeline events, numbered after the stored ones. */
  events: TimelineEvent[];
  /** Side effects requested by named actions (`notify`, `assign`) — write them to an outbox. */
  effects: TicketEffect[];
  /** Due times to keep durable (epoch ms). */
  timers: TicketTimers;
}

function run<TExtra extends EventObject>(
  machine: TicketMachine<TExtra>,
  options: { input?: TicketMachineInput; snapshot?: Snapshot<unknown> },
  event?: TicketEvent | TExtra,
): TicketStep {
  const logic = machine as unknown as AnyActorLogic;
  const actor = createActor(logic, options as { input?: unknown; snapshot?: Snapshot<unknown> });
  const events: TimelineEvent[] = [];
  const effects: TicketEffect[] = [];
  actor.on('*', (e: TicketEmitted) => {
    if (e.type === 'timeline') events.push(e.event);
    else effects.push(e);
  });
  let failure: unknown;
  actor.subscribe({ error: (err) => (failure = err) });
  actor.start();
  let accepted = true;
  if (event) {
    accepted = (actor.getSnapshot() as AnyMachineSnapshot).can(event);
    if (accepted) actor.send(event);
  }
  const snap = actor.getSnapshot() as AnyMachineSnapshot;
  // Persist before stopping: a stopped actor's snapshot would restore as stopped.
  const persisted = actor.getPersistedSnapshot() as Snapshot<unknown>;
  actor.stop();
  if (failure || snap.status === 'error') throw failure ?? snap.error;
  const context = snap.context as TicketContext;
  return {
    accepted,
    snapshot: persisted,
    context,
    events,
    effects,
    timers: selectTimers(context),
  };
}

/** Starts a new ticket: the first step of its life (records `ticket.created` and starts clocks). */
export function startTicket<TExtra extends EventObject = never>(
  machine: TicketMachine<TExtra>,
  input: TicketMachineInput,
): TicketStep {
  return run(machine, { input });
}

/**
 * Runs one event against a persisted snapshot — the stateless step a server does inside one
 * transaction: load snapshot, send, persist snapshot + events + timers + effects. Nothing is kept in
 * memory between steps. An event with no enabled transition leaves everything unchanged and
 * returns `accepted: false`.
 */
export function sendTicketEvent<TExtra extends EventObject = never>(
  machine: TicketMachine<TExtra>,
  snapshot: Snapshot<unknown>,
  event: TicketEvent | TExtra,
): TicketStep {
  return run(machine, { snapshot }, event);
}

/** Projects a machine context into the API's ticket shape (clocks as of `now`). */
export function toTicket(
  context: TicketContext,
  meta: { number: number; version: number; now: number },
): Ticket {
  const { solvedAt: _solvedAt, ...ticket } = context.ticket;
  return {
    ...ticket,
    sla: summarizeClocks(context.sla, context.slaEnv, meta.now),
    number: meta.number,
    version: meta.version,
  };
}
