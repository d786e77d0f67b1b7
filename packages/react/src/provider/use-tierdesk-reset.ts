import type { QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { tierdeskKeys } from '../query-keys';
import { useTierdeskContext } from './use-tierdesk-context';

/**
 * Forgets everything Tierdesk cached in `queryClient`, for every identity: in-flight queries are
 * cancelled, then Tierdesk's queries and mutations are removed. The host's own cache entries stay.
 * Call it on sign-out, before the next user's identity reaches the provider.
 */
export async function resetTierdeskCache(queryClient: QueryClient): Promise<void> {
  await queryClient.cancelQueries({ queryKey: tierdeskKeys.all });
  queryClient.removeQueries({ queryKey: tierdeskKeys.all });
  const mutations = queryClient.getMutationCache();
  for (const mutation of mutations.findAll({ mutationKey: tierdeskKeys.all })) mutations.remove(mutation);
}

/**
 * A stable function that clears Tierdesk's part of the cache (see {@link resetTierdeskCache}):
 * `const reset = useTierdeskReset(); await reset();` in the sign-out handler.
 */
export function useTierdeskReset(): () => Promise<void> {
  const { queryClient } = useTierdeskContext();
  return useCallback(() => resetTierdeskCache(queryClient), [queryClient]);
}
