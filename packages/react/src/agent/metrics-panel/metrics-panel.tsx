import type { DurationStats, MetricsReport } from '@tierdesk/core';
import { type ReactElement, type ReactNode, useId, useMemo, useState } from 'react';
import { useMetrics } from '../../hooks/use-metrics';
import type { Translator } from '../../i18n/i18n.types';
import { useTranslator } from '../../i18n/use-translator';
import { useThemeRootProps } from '../../theme/use-theme-root-props';
import { tierLabel } from '../agent.labels';
import type { AgentTierNames, TierLabel } from '../agent.types';

/** The windows the metrics panel offers, in days back from now. */
export const METRICS_WINDOWS = [7, 30, 90] as const;
/** A metrics window in days. */
export type MetricsWindowDays = (typeof METRICS_WINDOWS)[number];

/** Props of {@link MetricsPanel}. */
export interface MetricsPanelProps {
  /** The window shown first. Default 30 days. */
  defaultWindowDays?: MetricsWindowDays;
  /** The clock the window counts back from, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Display names of the tiers (default "Tier 0" … "Tier 4" from the catalog). */
  tierNames?: AgentTierNames;
  /** Extra class on the root (which always has `td-root td-metrics`). */
  className?: string;
}

const DAY_MS = 86_400_000;
const WINDOW_KEYS = {
  7: 'agent.metrics.last7',
  30: 'agent.metrics.last30',
  90: 'agent.metrics.last90',
} as const;

/** A value or the catalog's "No data" (with a dash shown, the words spoken). */
function Value({ value, t }: { value: string | null; t: Translator['t'] }): ReactNode {
  if (value !== null) return value;
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="td-sr-only">{t('agent.metrics.notAvailable')}</span>
    </>
  );
}

function Table({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: string[];
  rows: ReactNode[][];
}): ReactElement {
  return (
    <table className="td-metrics-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {head.map((h, i) => (
            <th key={h} scope="col" data-numeric={i > 0 || undefined}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((cells, r) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional and never reorder
          <tr key={r}>
            {cells.map((cell, c) =>
              c === 0 ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: as above
                <th key={c} scope="row">
                  {cell}
                </th>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: as above
                <td key={c}>{cell}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Support metrics over a window the agent picks (last 7, 30 or 90 days): headline figures (median
 * first response and resolution, SLA breaches, first-contact resolution, reopens, CSAT, deflection)
 * as a labelled list, and tables for response times, SLA compliance per clock, escalations between
 * tiers and the backlog by tier and age. Rates are locale percentages, durations read "2 hr, 30 min".
 */
export function MetricsPanel(props: MetricsPanelProps): ReactElement {
  const translator = useTranslator();
  const { t, formatNumber, formatDuration } = translator;
  const rootProps = useThemeRootProps(props.className ? `td-metrics ${props.className}` : 'td-metrics');
  const headingId = useId();
  const windowId = useId();
  const tier = useMemo(() => tierLabel(t, props.tierNames), [t, props.tierNames]);
  const clock = props.now ?? Date.now;
  const [days, setDays] = useState<MetricsWindowDays>(props.defaultWindowDays ?? 30);
  // The start is fixed when the window is chosen (a key that changed every render would refetch
  // forever); the end is left to the server, which reads it as now.
  const [from, setFrom] = useState(() => new Date(clock() - days * DAY_MS).toISOString());
  const metrics = useMetrics({ from });

  const percent = (rate: number | null) =>
    rate === null ? null : formatNumber(rate, { style: 'percent', maximumFractionDigits: 1 });
  const duration = (ms: number | null) => (ms === null ? null : formatDuration(ms));
  const count = (n: number) => formatNumber(n);

  return (
    <section {...rootProps} aria-labelledby={headingId} aria-busy={metrics.isFetching}>
      <div className="td-metrics-header">
        <h2 id={headingId}>{t('agent.metrics.title')}</h2>
        <div className="td-field">
          <label htmlFor={windowId}>{t('agent.metrics.period')}</label>
          <select
            id={windowId}
            className="td-input"
            value={days}
            onChange={(e) => {
              const next = Number(e.target.value) as MetricsWindowDays;
              setDays(next);
              setFrom(new Date(clock() - next * DAY_MS).toISOString());
            }}
          >
            {METRICS_WINDOWS.map((d) => (
              <option key={d} value={d}>
                {t(WINDOW_KEYS[d])}
              </option>
            ))}
          </select>
        </div>
      </div>
      {metrics.isPending ? <p role="status">{t('common.loading')}</p> : null}
      {metrics.isError ? (
        <div className="td-metrics-error" role="alert">
          <p>{t('agent.metrics.error')}</p>
          <button type="button" className="td-button" onClick={() => void metrics.refetch()}>
            {t('common.retry')}
          </button>
        </div>
      ) : null}
      {metrics.data ? (
        <Report report={metrics.data} t={t} tier={tier} percent={percent} duration={duration} count={count} />
      ) : null}
    </section>
  );
}

interface ReportProps {
  report: MetricsReport;
  t: Translator['t'];
  tier: TierLabel;
  percent: (rate: number | null) => string | null;
  duration: (ms: number | null) => string | null;
  count: (n: number) => string;
}

function Report({ report, t, tier, percent, duration, count }: ReportProps): ReactElement {
  const ratio = (part: number, total: number) =>
    t('agent.metrics.ratio', { part: count(part), total: count(total) });
  const figures: [string, string | null, string | null][] = [
    [t('agent.metrics.firstResponse'), duration(report.firstResponse.medianMs), null],
    [t('agent.metrics.resolution'), duration(report.resolution.medianMs), null],
    [t('agent.metrics.breaches'), count(report.breaches), null],
    [
      t('agent.metrics.firstContactResolution'),
      percent(report.firstContactResolution.rate),
      ratio(report.firstContactResolution.firstContact, report.firstContactResolution.solved),
    ],
    [
      t('agent.metrics.reopens'),
      percent(report.reopens.rate),
      ratio(report.reopens.reopened, report.reopens.solved),
    ],
    [
      t('agent.metrics.csat'),
      percent(report.csat.score),
      ratio(report.csat.satisfied, report.csat.responses),
    ],
    [
      t('agent.metrics.deflection'),
      percent(report.deflection.rate),
      ratio(report.deflection.deflected, report.deflection.sessions),
    ],
  ];
  const timesRow = (label: string, stats: DurationStats): ReactNode[] => [
    label,
    <Value key="m" value={duration(stats.medianMs)} t={t} />,
    <Value key="p" value={duration(stats.p90Ms)} t={t} />,
    count(stats.count),
  ];
  const noData = <p className="td-muted">{t('agent.metrics.noData')}</p>;
  return (
    <div className="td-metrics-report">
      <dl className="td-metrics-figures">
        {figures.map(([label, value, detail]) => (
          <div key={label} className="td-metrics-figure">
            <dt>{label}</dt>
            <dd>
              <span className="td-metrics-value">
                <Value value={value} t={t} />
              </span>
              {detail ? <span className="td-muted">{detail}</span> : null}
            </dd>
          </div>
        ))}
      </dl>

      <Table
        caption={t('agent.metrics.times')}
        head={[
          t('agent.metrics.metric'),
          t('agent.metrics.median'),
          t('agent.metrics.p90'),
          t('agent.metrics.tickets'),
        ]}
        rows={[
          timesRow(t('sla.metric.first_response'), report.firstResponse),
          timesRow(t('sla.metric.resolution'), report.resolution),
        ]}
      />

      {report.slaCompliance.length > 0 ? (
        <Table
          caption={t('agent.metrics.slaCompliance')}
          head={[
            t('agent.metrics.metric'),
            t('agent.metrics.kind'),
            t('agent.metrics.met'),
            t('agent.metrics.breached'),
            t('agent.metrics.rate'),
          ]}
          rows={report.slaCompliance.map((row) => [
            t(`sla.metric.${row.metric}`),
            t(`agent.metrics.kind.${row.kind}`),
            count(row.met),
            count(row.breached),
            <Value key="r" value={percent(row.rate)} t={t} />,
          ])}
        />
      ) : (
        <section aria-label={t('agent.metrics.slaCompliance')}>{noData}</section>
      )}

      {report.escalations.length > 0 ? (
        <Table
          caption={t('agent.metrics.escalations')}
          head={[
            t('agent.metrics.from'),
            t('agent.metrics.to'),
            t('agent.metrics.count'),
            t('agent.metrics.rate'),
          ]}
          rows={report.escalations.map((row) => [
            tier(row.from),
            tier(row.to),
            count(row.count),
            <Value key="r" value={percent(row.rate)} t={t} />,
          ])}
        />
      ) : (
        <section aria-label={t('agent.metrics.escalations')}>{noData}</section>
      )}

      {report.backlog.length > 0 ? (
        <Table
          caption={t('agent.metrics.backlog')}
          head={[t('agent.ticket.tier'), t('agent.metrics.total'), t('agent.metrics.age')]}
          rows={report.backlog.map((row) => [
            tier(row.tier),
            count(row.total),
            row.byAge
              .filter((bucket) => bucket.count > 0)
              .map((bucket) => `${bucket.label}: ${count(bucket.count)}`)
              .join(', '),
          ])}
        />
      ) : (
        <section aria-label={t('agent.metrics.backlog')}>{noData}</section>
      )}

      <section aria-label={t('agent.metrics.csat')}>
        <dl className="td-metrics-csat">
          <div>
            <dt>{t('agent.metrics.responses')}</dt>
            <dd>{count(report.csat.responses)}</dd>
          </div>
          <div>
            <dt>{t('agent.metrics.average')}</dt>
            <dd>
              <Value
                value={report.csat.average === null ? null : count(Math.round(report.csat.average * 10) / 10)}
                t={t}
              />
            </dd>
          </div>
        </dl>
      </section>
    </div>
  );
}
