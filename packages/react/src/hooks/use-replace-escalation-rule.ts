import type { UseMutationResult } from '@tanstack/react-query';
import type { EscalationRule, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { usePolicySave } from './policy-hooks';

/** Replaces a escalation rule by its `id` (`replaceEscalationRule`); the cached list shows the new version. */
export function useReplaceEscalationRule(
  options?: TierdeskMutationOptions<EscalationRule, RouteBody<'replaceEscalationRule'>>,
): UseMutationResult<EscalationRule, TierdeskError, RouteBody<'replaceEscalationRule'>, unknown> {
  return usePolicySave<EscalationRule, RouteBody<'replaceEscalationRule'>>(
    'escalationRules',
    'replaceEscalationRule',
    (client, body) => client.replaceEscalationRule({ params: { id: body.id }, body }),
    options,
  );
}
