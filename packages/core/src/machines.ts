// @tierdesk/core/machines — the XState v5 machines: the ticket lifecycle (with its tier region, SLA
// clocks and escalation rules), the stateless runtime a server drives it with, and the widget flow.
// Explicit named exports only.

// The XState functions an adapter needs to run the widget machine, re-exported so bindings (React and
// others) use the very copy of XState the machines were built with and need no dependency of their own.
export { type Actor as MachineActor, createActor, fromPromise } from 'xstate';
// The types a workflow extension is written with, so an extension needs only this entry.
export type { Actor } from './shared/primitives.schema';
export { selectTimers } from './tickets/ticket.actions';
export { CUSTOMER_MAY_SEND, isEvent, STATUS_MOVES, ticketGuards } from './tickets/ticket.guards';
export {
  createTicketMachine,
  DEFAULT_TICKET_SETTINGS,
  type TicketMachine,
  type TicketWorkflowExtension,
  ticketMachine,
  type WorkflowActionArgs,
  type WorkflowArgs,
  type WorkflowState,
  type WorkflowTierHooks,
  type WorkflowTransition,
} from './tickets/ticket.machine';
export {
  sendTicketEvent,
  startTicket,
  type TicketEffect,
  type TicketStep,
  toTicket,
} from './tickets/ticket.runtime';
export type { EventMeta, WorkflowEffect } from './tickets/ticket.types';
// The widget machine and its types: the widget folder's index holds the explicit list.
export * from './widget/index';
