import type { ClockSummary } from '@tierdesk/core';
import { type ReactElement, useCallback, useRef, useSyncExternalStore } from 'react';
import type { Translator } from '../../i18n/i18n.types';
import { useTranslator } from '../../i18n/use-translator';
import { getNow, subscribeNow } from './now-ticker';
import { describeClock, pickUrgentClock, type SlaDisplayState } from './sla-countdown.logic';

/** Props of {@link SlaCountdown}. */
export interface SlaCountdownProps {
  /** The ticket's clocks (`ticket.sla`); the most urgent one is shown. */
  clocks: readonly ClockSummary[];
  /** Show which metric the clock measures ("First response") before the countdown. Default `true`. */
  showMetric?: boolean;
  /** Extra class on the element (which always has `td-sla`). */
  className?: string;
}

interface CountdownView {
  key: string;
  state: SlaDisplayState | 'none';
  text: string;
  metric: string | null;
  dueAt: string | null;
}

const TONE: Partial<Record<SlaDisplayState, 'danger' | 'warning' | 'success'>> = {
  overdue: 'danger',
  warning: 'warning',
  met: 'success',
};

const STATE_KEY = {
  running: 'sla.state.running',
  warning: 'sla.state.warning',
  overdue: 'sla.state.overdue',
  paused: 'sla.state.paused',
  met: 'sla.state.met',
  stopped: 'sla.state.stopped',
} as const;

function viewOf(clocks: readonly ClockSummary[], now: number, translator: Translator): CountdownView {
  const { t } = translator;
  const clock = pickUrgentClock(clocks, now);
  if (clock === undefined)
    return { key: 'none', state: 'none', text: t('agent.sla.none'), metric: null, dueAt: null };
  const { state, remainingMs, dueKind } = describeClock(clock, now);
  let text: string;
  if (
    (state === 'running' || state === 'warning' || state === 'overdue') &&
    clock.status === 'running' &&
    remainingMs !== null
  ) {
    text = translator.formatDueIn(remainingMs, { kind: dueKind, now });
  } else if (state === 'paused' && remainingMs !== null) {
    text = t('agent.sla.pausedLeft', { duration: translator.formatDuration(Math.max(0, remainingMs)) });
  } else {
    text = t(STATE_KEY[state]);
  }
  const metric = t(`sla.metric.${clock.metric}`);
  return {
    key: `${clock.id}\u0000${state}\u0000${text}\u0000${metric}`,
    state,
    text,
    metric,
    dueAt: clock.dueAt,
  };
}

/**
 * A live countdown of a ticket's most urgent SLA clock: "Reply due in 42 min", "Resolution overdue by
 * 5 min", "Paused, 3 hr left", "Met". Every countdown on the page shares one timer and re-renders only
 * when its text changes; the state is written out (not shown by colour alone) and the due time is a
 * `<time>` element. Renders the same on the server as at hydration (it counts from the clock's `asOf`).
 */
export function SlaCountdown({ clocks, showMetric = true, className }: SlaCountdownProps): ReactElement {
  const translator = useTranslator();
  const last = useRef<CountdownView | null>(null);
  // A snapshot must be the same value while nothing visible changed: keep the previous view object
  // when the new one reads the same.
  const stable = useCallback((view: CountdownView) => {
    if (last.current?.key === view.key) return last.current;
    last.current = view;
    return view;
  }, []);
  const view = useSyncExternalStore(
    subscribeNow,
    () => stable(viewOf(clocks, getNow(), translator)),
    () => stable(viewOf(clocks, serverNow(clocks), translator)),
  );
  const tone = view.state === 'none' ? undefined : TONE[view.state];
  const flagged = view.state === 'overdue' || view.state === 'warning';
  return (
    <span className={className ? `td-sla ${className}` : 'td-sla'} data-state={view.state}>
      {showMetric && view.metric ? <span className="td-sla-metric">{view.metric}</span> : null}
      {flagged ? (
        <span className="td-badge" data-tone={tone}>
          {translator.t(STATE_KEY[view.state as 'overdue' | 'warning'])}
        </span>
      ) : null}
      {view.dueAt ? <time dateTime={view.dueAt}>{view.text}</time> : <span>{view.text}</span>}
    </span>
  );
}

/** The instant the server render counts from: the newest `asOf` of the clocks (deterministic). */
function serverNow(clocks: readonly ClockSummary[]): number {
  let newest = 0;
  for (const clock of clocks) newest = Math.max(newest, Date.parse(clock.asOf));
  return newest;
}
