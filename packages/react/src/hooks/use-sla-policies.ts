import type { UseQueryResult } from '@tanstack/react-query';
import type { SlaPolicy, TierdeskError } from '@tierdesk/core';
import type { TierdeskQueryOptions } from './hooks.types';
import { usePolicyList } from './policy-hooks';

/** The workspace's SLA policies (`listSlaPolicies`; agents only); `data` is the list itself. */
export function useSlaPolicies(
  options?: TierdeskQueryOptions<SlaPolicy[]>,
): UseQueryResult<SlaPolicy[], TierdeskError> {
  return usePolicyList<SlaPolicy>(
    'slaPolicies',
    (client, signal) => client.listSlaPolicies(undefined, { signal }),
    options,
  );
}
