import type { UseMutationResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import type { TierdeskMutationOptions } from './hooks.types';
import { type PolicyId, usePolicyDelete } from './policy-hooks';

/** Deletes a routing rule (`deleteRoutingRule`); the cached list drops it. */
export function useDeleteRoutingRule(
  options?: TierdeskMutationOptions<undefined, PolicyId>,
): UseMutationResult<undefined, TierdeskError, PolicyId, unknown> {
  return usePolicyDelete(
    'routingRules',
    'deleteRoutingRule',
    (client, id) => client.deleteRoutingRule({ params: { id } }),
    options,
  );
}
