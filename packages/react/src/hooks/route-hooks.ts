import type { JsonRouteName } from '@tierdesk/core';
import { useAddNote } from './use-add-note';
import { useAgentReply } from './use-agent-reply';
import { useAgents } from './use-agents';
import { useAnswerAssistant } from './use-answer-assistant';
import { useArticle } from './use-article';
import { useArticleFeedback } from './use-article-feedback';
import { useArticleSearch } from './use-article-search';
import { useArticles } from './use-articles';
import { useCalendars } from './use-calendars';
import { useCreateArticle } from './use-create-article';
import { useCreateCalendar } from './use-create-calendar';
import { useCreateEscalationRule } from './use-create-escalation-rule';
import { useCreateRoutingRule } from './use-create-routing-rule';
import { useCreateSlaPolicy } from './use-create-sla-policy';
import { useCreateTicket } from './use-create-ticket';
import { useCreateTicketForUser } from './use-create-ticket-for-user';
import { useDeescalate } from './use-deescalate';
import { useDeleteArticle } from './use-delete-article';
import { useDeleteCalendar } from './use-delete-calendar';
import { useDeleteEscalationRule } from './use-delete-escalation-rule';
import { useDeleteRoutingRule } from './use-delete-routing-rule';
import { useDeleteSlaPolicy } from './use-delete-sla-policy';
import { useEscalate } from './use-escalate';
import { useEscalationRules } from './use-escalation-rules';
import { useMergeTicket } from './use-merge-ticket';
import { useMetrics } from './use-metrics';
import { useMyTicket } from './use-my-ticket';
import { useMyTickets } from './use-my-tickets';
import { useQueue } from './use-queue';
import { useRecordDeflections } from './use-record-deflections';
import { useReplaceCalendar } from './use-replace-calendar';
import { useReplaceEscalationRule } from './use-replace-escalation-rule';
import { useReplaceRoutingRule } from './use-replace-routing-rule';
import { useReplaceSlaPolicy } from './use-replace-sla-policy';
import { useReply } from './use-reply';
import { useRequesterHistory } from './use-requester-history';
import { useRoutingRules } from './use-routing-rules';
import { useSlaPolicies } from './use-sla-policies';
import { useSubmitCsat } from './use-submit-csat';
import { useSupportStatus } from './use-support-status';
import { useTicket } from './use-ticket';
import { useTimeline } from './use-timeline';
import { useUpdateArticle } from './use-update-article';
import { useUpdateTicket } from './use-update-ticket';

/**
 * One hook for every JSON route of the contract. The type maps over `JsonRouteName` (every route but
 * the event streams), so adding a route to `routes` without a hook here fails the type check, and so
 * does a hook for a route that no longer exists.
 */
export type RouteHooks = { readonly [K in JsonRouteName]: (...args: never[]) => unknown };

/** The hook of each contract route, by route name (used by the completeness check and its test). */
export const routeHooks = {
  createTicket: useCreateTicket,
  listMyTickets: useMyTickets,
  getMyTicket: useMyTicket,
  replyAsUser: useReply,
  submitCsat: useSubmitCsat,
  answerAssistant: useAnswerAssistant,
  searchArticles: useArticleSearch,
  getArticle: useArticle,
  articleFeedback: useArticleFeedback,
  recordDeflection: useRecordDeflections,
  supportStatus: useSupportStatus,
  queue: useQueue,
  createTicketForUser: useCreateTicketForUser,
  getTicket: useTicket,
  updateTicket: useUpdateTicket,
  replyAsAgent: useAgentReply,
  addNote: useAddNote,
  escalate: useEscalate,
  deescalate: useDeescalate,
  mergeTicket: useMergeTicket,
  requesterHistory: useRequesterHistory,
  listAgents: useAgents,
  listArticles: useArticles,
  createArticle: useCreateArticle,
  updateArticle: useUpdateArticle,
  deleteArticle: useDeleteArticle,
  listSlaPolicies: useSlaPolicies,
  createSlaPolicy: useCreateSlaPolicy,
  replaceSlaPolicy: useReplaceSlaPolicy,
  deleteSlaPolicy: useDeleteSlaPolicy,
  listCalendars: useCalendars,
  createCalendar: useCreateCalendar,
  replaceCalendar: useReplaceCalendar,
  deleteCalendar: useDeleteCalendar,
  listEscalationRules: useEscalationRules,
  createEscalationRule: useCreateEscalationRule,
  replaceEscalationRule: useReplaceEscalationRule,
  deleteEscalationRule: useDeleteEscalationRule,
  listRoutingRules: useRoutingRules,
  createRoutingRule: useCreateRoutingRule,
  replaceRoutingRule: useReplaceRoutingRule,
  deleteRoutingRule: useDeleteRoutingRule,
  metrics: useMetrics,
  timeline: useTimeline,
} as const satisfies RouteHooks;
