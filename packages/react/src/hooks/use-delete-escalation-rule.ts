import type { UseMutationResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import type { TierdeskMutationOptions } from './hooks.types';
import { type PolicyId, usePolicyDelete } from './policy-hooks';

/** Deletes a escalation rule (`deleteEscalationRule`); the cached list drops it. */
export function useDeleteEscalationRule(
  options?: TierdeskMutationOptions<undefined, PolicyId>,
): UseMutationResult<undefined, TierdeskError, PolicyId, unknown> {
  return usePolicyDelete(
    'escalationRules',
    'deleteEscalationRule',
    (client, id) => client.deleteEscalationRule({ params: { id } }),
    options,
  );
}
