import type { UseMutationResult } from '@tanstack/react-query';
import type { RoutingRule, TierdeskError } from '@tierdesk/core';
import type { RouteBody, TierdeskMutationOptions } from './hooks.types';
import { usePolicySave } from './policy-hooks';

/** Creates a routing rule (`createRoutingRule`); the cached list gains it. */
export function useCreateRoutingRule(
  options?: TierdeskMutationOptions<RoutingRule, RouteBody<'createRoutingRule'>>,
): UseMutationResult<RoutingRule, TierdeskError, RouteBody<'createRoutingRule'>, unknown> {
  return usePolicySave<RoutingRule, RouteBody<'createRoutingRule'>>(
    'routingRules',
    'createRoutingRule',
    (client, body) => client.createRoutingRule({ body }),
    options,
  );
}
