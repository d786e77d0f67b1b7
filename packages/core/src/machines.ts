// @tierdesk/core/machines — the XState v5 machines: the ticket lifecycle (with its tier region, SLA
// clocks and escalation rules), the stateless runtime a server drives it with, and the widget flow.
// Explicit named exports only.

export { selectTimers } from './tickets/ticket.actions';
export { isEvent, STATUS_MOVES, ticketGuards } from './tickets/ticket.guards';
export {
  createTicketMachine,
  DEFAULT_TICKET_SETTINGS,
  type TicketMachine,
  type TicketWorkflowExtension,
  ticketMachine,
  type WorkflowArgs,
  type WorkflowState,
  type WorkflowTransition,
} from './tickets/ticket.machine';
export {
  sendTicketEvent,
  startTicket,
  type TicketEffect,
  type TicketStep,
  toTicket,
} from './tickets/ticket.runtime';
