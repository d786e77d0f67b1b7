import type { WidgetApi } from '@tierdesk/core/machines';

/** Props every composable widget part takes: the view API from `useWidget()`. */
export interface WidgetPartProps {
  /** What `useWidget()` returned: the state to show and the intents to send. */
  widget: WidgetApi;
}
