// @tierdesk/core/widget — the help widget's machine alone, with the XState functions to run it: what
// a widget binding loads, without the ticket machine, the SLA engine or any schema. The same objects
// as `@tierdesk/core/machines` exports. The widget folder's index holds the explicit export list.

export { type Actor as MachineActor, createActor, fromPromise } from 'xstate';
export * from './widget/index';
