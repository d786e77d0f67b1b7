import type { UseMutationResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import type { TierdeskMutationOptions } from './hooks.types';
import { type PolicyId, usePolicyDelete } from './policy-hooks';

/** Deletes a SLA policy (`deleteSlaPolicy`); the cached list drops it. */
export function useDeleteSlaPolicy(
  options?: TierdeskMutationOptions<undefined, PolicyId>,
): UseMutationResult<undefined, TierdeskError, PolicyId, unknown> {
  return usePolicyDelete(
    'slaPolicies',
    'deleteSlaPolicy',
    (client, id) => client.deleteSlaPolicy({ params: { id } }),
    options,
  );
}
