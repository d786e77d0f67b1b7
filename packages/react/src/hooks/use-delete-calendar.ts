import type { UseMutationResult } from '@tanstack/react-query';
import type { TierdeskError } from '@tierdesk/core';
import type { TierdeskMutationOptions } from './hooks.types';
import { type PolicyId, usePolicyDelete } from './policy-hooks';

/** Deletes a business calendar (`deleteCalendar`); the cached list drops it. */
export function useDeleteCalendar(
  options?: TierdeskMutationOptions<undefined, PolicyId>,
): UseMutationResult<undefined, TierdeskError, PolicyId, unknown> {
  return usePolicyDelete(
    'calendars',
    'deleteCalendar',
    (client, id) => client.deleteCalendar({ params: { id } }),
    options,
  );
}
