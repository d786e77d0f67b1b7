import type { Diagnostics } from '@tierdesk/core';
import { type ReactNode, useId } from 'react';
import { useTranslator } from '../../i18n/use-translator';

/** Props of {@link DiagnosticsPanel}. */
export interface DiagnosticsPanelProps {
  /** What the widget attached to the ticket (opt-in on the host's side); nothing shown when `null`. */
  diagnostics: Diagnostics | null | undefined;
}

/**
 * The diagnostics the end user's widget attached to a new ticket: app version, page, browser,
 * language and the host app's recent errors. All of it is text the user's browser sent, so it is shown
 * as text (the page is not made a link).
 */
export function DiagnosticsPanel({ diagnostics }: DiagnosticsPanelProps): ReactNode {
  const { t } = useTranslator();
  const headingId = useId();
  if (diagnostics === null || diagnostics === undefined) return null;
  const facts: [string, string | undefined][] = [
    [t('agent.diagnostics.appVersion'), diagnostics.appVersion],
    [t('agent.diagnostics.page'), diagnostics.page],
    [t('agent.diagnostics.browser'), diagnostics.userAgent],
    [t('agent.diagnostics.locale'), diagnostics.locale],
  ];
  const errors = diagnostics.recentErrors ?? [];
  return (
    <section className="td-diagnostics" aria-labelledby={headingId}>
      <h4 id={headingId}>{t('agent.diagnostics.title')}</h4>
      <dl>
        {facts.map(([label, value]) =>
          value ? (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ) : null,
        )}
        {errors.length > 0 ? (
          <div>
            <dt>{t('agent.diagnostics.errors')}</dt>
            <dd>
              <ol>
                {errors.map((error, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the list is fixed once sent
                  <li key={i}>
                    <code>{error}</code>
                  </li>
                ))}
              </ol>
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}
