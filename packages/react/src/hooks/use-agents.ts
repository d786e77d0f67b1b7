import type { UseQueryResult } from '@tanstack/react-query';
import type { Agent, TierdeskError } from '@tierdesk/core';
import { tierdeskKeys } from '../query-keys';
import type { TierdeskQueryOptions } from './hooks.types';
import { useTierdeskQuery } from './use-tierdesk-query';

/** The workspace's agents (`listAgents`), e.g. for an assignee picker; `data` is the list itself. */
export function useAgents(options?: TierdeskQueryOptions<Agent[]>): UseQueryResult<Agent[], TierdeskError> {
  return useTierdeskQuery<Agent[]>(
    tierdeskKeys.agents,
    async (client, signal) => (await client.listAgents(undefined, { signal })).items,
    { staleTime: 5 * 60_000 },
    options,
  );
}
