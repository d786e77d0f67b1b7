// @tierdesk/react/widget-kit — the widget headless (`useWidget`) and its screens as parts, for hosts
// that lay the help widget out themselves. Its own entry, so that pages using only the provider and
// hooks, or the lazy `<SupportWidget/>`, never load the widget machine up front. Explicit named
// exports only.

export { ArticleView } from './widget/parts/article-view';
export { Conversation } from './widget/parts/conversation';
export { CsatSurvey } from './widget/parts/csat-survey';
export { HelpCenterSearch } from './widget/parts/help-center-search';
export type { WidgetPartProps } from './widget/parts/parts.types';
export { SupportHoursNotice, type SupportHoursNoticeProps } from './widget/parts/support-hours-notice';
export { TicketForm } from './widget/parts/ticket-form';
export { TicketList } from './widget/parts/ticket-list';
export { currentPromise, TicketPromise, type TicketPromiseProps } from './widget/parts/ticket-promise';
export { WidgetErrorNotice } from './widget/parts/widget-error-notice';
export { ArticleHitList, type ArticleHitListProps, Highlights } from './widget/parts/widget-hits';
export { WidgetScreen } from './widget/parts/widget-screen';
export { type UseWidgetOptions, useWidget } from './widget/use-widget';
export { useWidgetSupportStatus } from './widget/use-widget-support-status';
export type { WidgetConnectionOptions } from './widget/widget.connection';
export type { WidgetDiagnostics, WidgetDiagnosticsOptions } from './widget/widget.diagnostics';
