import type { UseQueryResult } from '@tanstack/react-query';
import type { EscalationRule, TierdeskError } from '@tierdesk/core';
import type { TierdeskQueryOptions } from './hooks.types';
import { usePolicyList } from './policy-hooks';

/** The workspace's escalation rules (`listEscalationRules`; agents only); `data` is the list itself. */
export function useEscalationRules(
  options?: TierdeskQueryOptions<EscalationRule[]>,
): UseQueryResult<EscalationRule[], TierdeskError> {
  return usePolicyList<EscalationRule>(
    'escalationRules',
    (client, signal) => client.listEscalationRules(undefined, { signal }),
    options,
  );
}
