import type { UseMutationResult } from '@tanstack/react-query';
import type { SlaPolicy, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { usePolicySave } from './policy-hooks';

/** Creates a SLA policy (`createSlaPolicy`); the cached list gains it. */
export function useCreateSlaPolicy(
  options?: TierdeskMutationOptions<SlaPolicy, RouteBody<'createSlaPolicy'>>,
): UseMutationResult<SlaPolicy, TierdeskError, RouteBody<'createSlaPolicy'>, unknown> {
  return usePolicySave<SlaPolicy, RouteBody<'createSlaPolicy'>>(
    'slaPolicies',
    'createSlaPolicy',
    (client, body) => client.createSlaPolicy({ body }),
    options,
  );
}
