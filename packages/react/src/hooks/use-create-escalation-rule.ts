import type { UseMutationResult } from '@tanstack/react-query';
import type { EscalationRule, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { usePolicySave } from './policy-hooks';

/** Creates a escalation rule (`createEscalationRule`); the cached list gains it. */
export function useCreateEscalationRule(
  options?: TierdeskMutationOptions<EscalationRule, RouteBody<'createEscalationRule'>>,
): UseMutationResult<EscalationRule, TierdeskError, RouteBody<'createEscalationRule'>, unknown> {
  return usePolicySave<EscalationRule, RouteBody<'createEscalationRule'>>(
    'escalationRules',
    'createEscalationRule',
    (client, body) => client.createEscalationRule({ body }),
    options,
  );
}
