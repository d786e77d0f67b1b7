// @tierdesk/core/widget — the help widget's machine alone, with the XState functions to run it: what
// a widget binding loads, without the ticket machine, the SLA engine or any schema. The same objects
// as `@tierdesk/core/machines` exports. Explicit named exports only.

export { type Actor as MachineActor, createActor, fromPromise } from 'xstate';
export type { WidgetApi, WidgetMessage, WidgetScreen, WidgetSnapshot } from './widget/widget.connect';
export { connectWidget } from './widget/widget.connect';
export {
  DEFAULT_WIDGET_DEBOUNCE_MS,
  draftsOf,
  suggestionQueryOf,
  WIDGET_VIEWS,
  WidgetActorNotProvidedError,
  widgetMachine,
} from './widget/widget.machine';
export type {
  ArticleOrigin,
  Conversation,
  CsatDraft,
  DeflectionStep,
  LoadArticleInput,
  LoadArticleLogic,
  LoadConversationInput,
  LoadConversationLogic,
  LoadTicketsInput,
  LoadTicketsLogic,
  OutboxMessage,
  SearchArticlesInput,
  SearchArticlesLogic,
  SendFeedbackInput,
  SendFeedbackLogic,
  SendMessageInput,
  SendMessageLogic,
  SubmitCsatInput,
  SubmitCsatLogic,
  SubmitTicketInput,
  SubmitTicketLogic,
  TicketDraft,
  WidgetActionParams,
  WidgetActors,
  WidgetAnnouncement,
  WidgetContext,
  WidgetDrafts,
  WidgetError,
  WidgetEvent,
  WidgetEventType,
  WidgetIdentity,
  WidgetInput,
  WidgetOperation,
  WidgetPanel,
  WidgetView,
} from './widget/widget.types';
