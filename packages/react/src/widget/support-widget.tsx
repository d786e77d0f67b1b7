import type { ReactElement } from 'react';
import { Launcher } from './launcher';
import type { UseWidgetOptions } from './use-widget';
import type { SupportWidgetController } from './widget.controller';

/** Props of {@link SupportWidget}: the options of `useWidget` plus a class for the root. */
export interface SupportWidgetProps extends UseWidgetOptions {
  /** Extra class on the widget's root (which always has `td-root td-widget`). */
  className?: string;
  /** The host's control API (open, close, openTicket, startMessage, identify, reset, reportError). */
  controller?: SupportWidgetController;
}

/** Props the launcher passes to the lazily loaded panel. */
export interface WidgetPanelProps extends SupportWidgetProps {
  /** The dialog's element id (the launcher's `aria-controls`). */
  id: string;
  /** Whether the dialog is shown (the panel stays mounted once loaded, so the session survives). */
  open: boolean;
  /** Close the panel and return focus to the launcher. */
  onClose: () => void;
  /** The launcher's controller (the host's, or its own). */
  controller: SupportWidgetController;
}

/**
 * The drop-in help widget: a small launcher button that lazy-loads the panel (a WAI-ARIA modal
 * dialog following the widget machine: help-center search, articles, a ticket form with deflection
 * suggestions, the user's tickets, the conversation and CSAT). Render it inside `<TierdeskProvider>`;
 * style it with `@tierdesk/react/styles.css`. SSR-safe: the panel loads only in the browser, on open.
 */
export function SupportWidget(props: SupportWidgetProps): ReactElement {
  return <Launcher {...props} />;
}
