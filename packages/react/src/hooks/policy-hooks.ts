import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import type { TierdeskClient, TierdeskError } from '@tierdesk/core';
import type { TierdeskContextValue } from '../provider/tierdesk-context';
import { type PolicyKind, tierdeskKeys } from '../query-keys';
import type { TierdeskMutationOptions, TierdeskQueryOptions } from './hooks.types';
import { useTierdeskMutation } from './use-tierdesk-mutation';
import { useTierdeskQuery } from './use-tierdesk-query';

// The shared machinery of the four policy collections (SLA policies, business calendars, escalation
// and routing rules): each public hook is a typed call to its own route through these.

interface Identified {
  id: string;
}

/** Variables of a policy delete: the id of the policy. */
export interface PolicyId {
  /** The policy's id. */
  id: string;
}

// SLA policies and calendars decide tickets' SLA clocks: cached tickets may now show stale targets.
function refreshPolicies(tierdesk: TierdeskContextValue, kind: PolicyKind): void {
  const { queryClient, identity } = tierdesk;
  void queryClient.invalidateQueries({ queryKey: tierdeskKeys.policies.list(identity, kind) });
  if (kind === 'slaPolicies' || kind === 'calendars') {
    void queryClient.invalidateQueries({ queryKey: tierdeskKeys.tickets.all(identity) });
  }
}

/** The list of one policy collection; `data` is the items. */
export function usePolicyList<T extends Identified>(
  kind: PolicyKind,
  fetch: (client: TierdeskClient, signal: AbortSignal) => Promise<{ items: T[] }>,
  options: TierdeskQueryOptions<T[]> | undefined,
): UseQueryResult<T[], TierdeskError> {
  return useTierdeskQuery<T[]>(
    (identity) => tierdeskKeys.policies.list(identity, kind),
    async (client, signal) => (await fetch(client, signal)).items,
    {},
    options,
  );
}

/** Creates or replaces a policy; the cached list shows it at once, then refetches. */
export function usePolicySave<T extends Identified, TVariables>(
  kind: PolicyKind,
  operation: string,
  save: (client: TierdeskClient, variables: TVariables) => Promise<T>,
  options: TierdeskMutationOptions<T, TVariables> | undefined,
): UseMutationResult<T, TierdeskError, TVariables, unknown> {
  return useTierdeskMutation<T, TVariables>(
    operation,
    (variables, { client }) => save(client, variables),
    (saved, _variables, tierdesk) => {
      tierdesk.queryClient.setQueryData<T[]>(tierdeskKeys.policies.list(tierdesk.identity, kind), (items) => {
        if (items === undefined) return undefined;
        const at = items.findIndex((item) => item.id === saved.id);
        return at === -1 ? [...items, saved] : items.map((item, i) => (i === at ? saved : item));
      });
      refreshPolicies(tierdesk, kind);
    },
    options,
  );
}

/** Deletes a policy; the cached list drops it at once, then refetches. */
export function usePolicyDelete(
  kind: PolicyKind,
  operation: string,
  remove: (client: TierdeskClient, id: string) => Promise<unknown>,
  options: TierdeskMutationOptions<undefined, PolicyId> | undefined,
): UseMutationResult<undefined, TierdeskError, PolicyId, unknown> {
  return useTierdeskMutation<undefined, PolicyId>(
    operation,
    async ({ id }, { client }) => {
      await remove(client, id);
      return undefined;
    },
    (_data, { id }, tierdesk) => {
      tierdesk.queryClient.setQueryData<Identified[]>(
        tierdeskKeys.policies.list(tierdesk.identity, kind),
        (items) => items?.filter((item) => item.id !== id),
      );
      refreshPolicies(tierdesk, kind);
    },
    options,
  );
}
