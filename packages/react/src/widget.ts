// @tierdesk/react/widget — the drop-in help widget. Its own entry so that a page importing it loads
// only the launcher (a few KB); the panel, the widget machine and the client are separate chunks
// fetched on first open. Explicit named exports only.

export { SupportWidget, type SupportWidgetProps } from './widget/support-widget';
export type { WidgetConnectionOptions } from './widget/widget.connection';
export {
  createSupportWidgetController,
  type SupportWidgetController,
  type WidgetMessagePrefill,
} from './widget/widget.controller';
export type { WidgetDiagnosticsOptions } from './widget/widget.diagnostics';
