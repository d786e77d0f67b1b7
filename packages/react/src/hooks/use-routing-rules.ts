import type { UseQueryResult } from '@tanstack/react-query';
import type { RoutingRule, TierdeskError } from '@tierdesk/core';
import type { TierdeskQueryOptions } from './hooks.types';
import { usePolicyList } from './policy-hooks';

/** The workspace's routing rules (`listRoutingRules`; agents only); `data` is the list itself. */
export function useRoutingRules(
  options?: TierdeskQueryOptions<RoutingRule[]>,
): UseQueryResult<RoutingRule[], TierdeskError> {
  return usePolicyList<RoutingRule>(
    'routingRules',
    (client, signal) => client.listRoutingRules(undefined, { signal }),
    options,
  );
}
