import type { UseMutationResult } from '@tanstack/react-query';
import type { RoutingRule, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { usePolicySave } from './policy-hooks';

/** Replaces a routing rule by its `id` (`replaceRoutingRule`); the cached list shows the new version. */
export function useReplaceRoutingRule(
  options?: TierdeskMutationOptions<RoutingRule, RouteBody<'replaceRoutingRule'>>,
): UseMutationResult<RoutingRule, TierdeskError, RouteBody<'replaceRoutingRule'>, unknown> {
  return usePolicySave<RoutingRule, RouteBody<'replaceRoutingRule'>>(
    'routingRules',
    'replaceRoutingRule',
    (client, body) => client.replaceRoutingRule({ params: { id: body.id }, body }),
    options,
  );
}
