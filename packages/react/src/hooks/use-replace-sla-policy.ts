import type { UseMutationResult } from '@tanstack/react-query';
import type { SlaPolicy, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { usePolicySave } from './policy-hooks';

/** Replaces a SLA policy by its `id` (`replaceSlaPolicy`); the cached list shows the new version. */
export function useReplaceSlaPolicy(
  options?: TierdeskMutationOptions<SlaPolicy, RouteBody<'replaceSlaPolicy'>>,
): UseMutationResult<SlaPolicy, TierdeskError, RouteBody<'replaceSlaPolicy'>, unknown> {
  return usePolicySave<SlaPolicy, RouteBody<'replaceSlaPolicy'>>(
    'slaPolicies',
    'replaceSlaPolicy',
    (client, body) => client.replaceSlaPolicy({ params: { id: body.id }, body }),
    options,
  );
}
