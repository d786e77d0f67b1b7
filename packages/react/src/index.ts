// @tierdesk/react — the provider, the query keys and one TanStack Query hook per route of the API
// contract, usable headless. Explicit named exports only. Nothing here touches `window` or `document`
// at import time: browser APIs are reached only from effects and event handlers.

export { isTierdeskConflict, TierdeskConflictError } from './hooks/errors';
export type {
  ArticleSearchParams,
  MetricsWindowQuery,
  Page,
  PageSize,
  Pages,
  QueueFilters,
  RouteBody,
  RouteData,
  RouteQuery,
  TierdeskInfiniteQueryOptions,
  TierdeskMutationOptions,
  TierdeskQueryOptions,
} from './hooks/hooks.types';
export type { PolicyId } from './hooks/policy-hooks';
export type { RouteHooks } from './hooks/route-hooks';
export type { TicketStreamScope } from './hooks/stream-cache';
export type { StreamFetch, TicketStreamBackoff, TicketStreamStatus } from './hooks/ticket-stream';
export { type AddNoteVariables, useAddNote } from './hooks/use-add-note';
export { type AgentReplyVariables, useAgentReply } from './hooks/use-agent-reply';
export { useAgents } from './hooks/use-agents';
export { type AnswerAssistantVariables, useAnswerAssistant } from './hooks/use-answer-assistant';
export { useArticle } from './hooks/use-article';
export {
  type ArticleFeedbackVariables,
  useArticleFeedback,
} from './hooks/use-article-feedback';
export { type ArticleSearchResult, useArticleSearch } from './hooks/use-article-search';
export { useArticles } from './hooks/use-articles';
export { useCalendars } from './hooks/use-calendars';
export { type CreateArticleVariables, useCreateArticle } from './hooks/use-create-article';
export { useCreateCalendar } from './hooks/use-create-calendar';
export { useCreateEscalationRule } from './hooks/use-create-escalation-rule';
export { useCreateRoutingRule } from './hooks/use-create-routing-rule';
export { useCreateSlaPolicy } from './hooks/use-create-sla-policy';
export { type CreateTicketVariables, useCreateTicket } from './hooks/use-create-ticket';
export {
  type CreateTicketForUserVariables,
  useCreateTicketForUser,
} from './hooks/use-create-ticket-for-user';
export { type DeescalateVariables, useDeescalate } from './hooks/use-deescalate';
export { type DeleteArticleVariables, useDeleteArticle } from './hooks/use-delete-article';
export { useDeleteCalendar } from './hooks/use-delete-calendar';
export { useDeleteEscalationRule } from './hooks/use-delete-escalation-rule';
export { useDeleteRoutingRule } from './hooks/use-delete-routing-rule';
export { useDeleteSlaPolicy } from './hooks/use-delete-sla-policy';
export { type EscalateVariables, useEscalate } from './hooks/use-escalate';
export { useEscalationRules } from './hooks/use-escalation-rules';
export { type MergeTicketVariables, useMergeTicket } from './hooks/use-merge-ticket';
export { useMetrics } from './hooks/use-metrics';
export { type MyTicketView, useMyTicket } from './hooks/use-my-ticket';
export { useMyTickets } from './hooks/use-my-tickets';
export { useQueue } from './hooks/use-queue';
export { type RecordDeflectionsVariables, useRecordDeflections } from './hooks/use-record-deflections';
export { useReplaceCalendar } from './hooks/use-replace-calendar';
export { useReplaceEscalationRule } from './hooks/use-replace-escalation-rule';
export { useReplaceRoutingRule } from './hooks/use-replace-routing-rule';
export { useReplaceSlaPolicy } from './hooks/use-replace-sla-policy';
export { type ReplyVariables, useReply } from './hooks/use-reply';
export { type RequesterHistory, useRequesterHistory } from './hooks/use-requester-history';
export { useRoutingRules } from './hooks/use-routing-rules';
export { useSlaPolicies } from './hooks/use-sla-policies';
export { type SubmitCsatVariables, useSubmitCsat } from './hooks/use-submit-csat';
export { useSupportStatus } from './hooks/use-support-status';
export { type TicketView, useTicket } from './hooks/use-ticket';
export {
  type TicketStreamState,
  type UseTicketStreamOptions,
  useTicketStream,
} from './hooks/use-ticket-stream';
export { useTimeline } from './hooks/use-timeline';
export { type UpdateArticleVariables, useUpdateArticle } from './hooks/use-update-article';
export { type UpdateTicketVariables, useUpdateTicket } from './hooks/use-update-ticket';
export { createTranslator } from './i18n/create-translator';
export { TierdeskI18nError, type TierdeskI18nErrorCode } from './i18n/errors';
export { getBuiltinMessages } from './i18n/get-builtin-messages';
export type {
  CommonMessages,
  DueKind,
  FormatDueOptions,
  FormatTimeOptions,
  Message,
  MessageArgs,
  MessageKey,
  MessageOverrides,
  MessagePlaceholders,
  Messages,
  MessageValue,
  MessageValues,
  PluralMessage,
  Translator,
  TranslatorOptions,
} from './i18n/i18n.types';
export { localeDir } from './i18n/locale-dir';
export { ar } from './i18n/messages/ar';
export { arCommon } from './i18n/messages/ar.common';
export { de } from './i18n/messages/de';
export { deCommon } from './i18n/messages/de.common';
export { en } from './i18n/messages/en';
export { enCommon } from './i18n/messages/en.common';
export { TierdeskI18nProvider, type TierdeskI18nProviderProps } from './i18n/tierdesk-i18n-provider';
export { useTranslator } from './i18n/use-translator';
export { Markdown, type MarkdownProps } from './markdown';
export { TierdeskProviderError, type TierdeskProviderErrorCode } from './provider/errors';
export type { TierdeskContextValue } from './provider/tierdesk-context';
export {
  createTierdeskQueryClient,
  TierdeskProvider,
  type TierdeskProviderBaseProps,
  type TierdeskProviderClientProps,
  type TierdeskProviderProps,
  type TierdeskProviderUrlProps,
} from './provider/tierdesk-provider';
export { useTierdeskClient } from './provider/use-tierdesk-client';
export { useTierdeskContext } from './provider/use-tierdesk-context';
export { resetTierdeskCache, useTierdeskReset } from './provider/use-tierdesk-reset';
export {
  normalizeArticleSearch,
  normalizeQueueFilters,
  type PolicyKind,
  TIERDESK_KEY_ROOT,
  type TierdeskQueryKey,
  tierdeskKeys,
  tierdeskMutationKey,
} from './query-keys';
export type {
  TextDirection,
  ThemeMode,
  ThemeOptions,
  ThemeRootProps,
  ThemeValue,
  TokenName,
  TokenOverrides,
  TokenStyle,
} from './theme/theme.types';
export { TierdeskThemeProvider, type TierdeskThemeProviderProps } from './theme/tierdesk-theme-provider';
export { TOKEN_NAMES, tokensToStyle } from './theme/tokens';
export { useThemeRootProps } from './theme/use-theme-root-props';
export { useTierdeskTheme } from './theme/use-tierdesk-theme';
// <SupportWidget/> is exported from `@tierdesk/react/widget`, and `useWidget` with the widget's parts from
// `@tierdesk/react/widget-kit`: from here, a bundler would put the panel's code (the widget machine,
// XState) in the initial chunk of every page that uses the provider.
export {
  createSupportWidgetController,
  type SupportWidgetController,
  type WidgetMessagePrefill,
} from './widget/widget.controller';
export { type WidgetDraftStorage, widgetDraftsKey } from './widget/widget.drafts';
