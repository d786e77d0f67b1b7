// @tierdesk/react/agent — the agent components, for the host's own admin: their own entry, so pages
// that show only the widget never load them. Explicit named exports only;
// nothing here touches `window` or `document` at import time.

export type { AgentMacro, AgentMacroUpdates, AgentTierNames, TierLabel } from './agent.types';
export {
  AgentTicketView,
  type AgentTicketViewProps,
} from './agent-ticket-view/agent-ticket-view';
export { AgentConsoleExample, type AgentConsoleExampleProps } from './examples/agent-console.example';
export {
  METRICS_WINDOWS,
  MetricsPanel,
  type MetricsPanelProps,
  type MetricsWindowDays,
} from './metrics-panel/metrics-panel';
export { SlaCountdown, type SlaCountdownProps } from './sla-countdown/sla-countdown';
export {
  describeClock,
  pickUrgentClock,
  type SlaDisplay,
  type SlaDisplayState,
} from './sla-countdown/sla-countdown.logic';
export { TicketQueue, type TicketQueueProps } from './ticket-queue/ticket-queue';
