import type { TierdeskError } from '@tierdesk/core';
import type { ReactElement } from 'react';
import { isTierdeskConflict } from '../../hooks/errors';
import { useTranslator } from '../../i18n/use-translator';

/** Props of {@link ActionError}. */
export interface ActionErrorProps {
  /** The failed mutation's error; nothing renders for `null`. */
  error: TierdeskError | null;
}

/**
 * Why an agent's change did not land, as an alert. A version conflict (the ticket changed meanwhile)
 * says so plainly: the hooks have refetched the ticket, so what the agent now sees is the current
 * state and nothing of theirs was written over it.
 */
export function ActionError({ error }: ActionErrorProps): ReactElement | null {
  const { t } = useTranslator();
  if (error === null) return null;
  const conflict = isTierdeskConflict(error);
  return (
    <p className="td-action-error" role="alert" data-conflict={conflict || undefined}>
      {conflict ? t('agent.ticket.conflict') : t('agent.ticket.actionFailed', { code: error.code })}
    </p>
  );
}
